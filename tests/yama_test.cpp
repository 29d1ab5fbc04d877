#include "trace/yama.hpp"

#include <gtest/gtest.h>

using sysgate::trace::yama_obstacle;

TEST(Yama, NoYamaOrScopesZeroAndOneAllowTracingOnesChild) {
  EXPECT_EQ(yama_obstacle(std::nullopt, false), "");
  EXPECT_EQ(yama_obstacle(0, false), "");
  EXPECT_EQ(yama_obstacle(1, false), "");
}

TEST(Yama, ScopeTwoNeedsCapSysPtrace) {
  EXPECT_EQ(yama_obstacle(2, true), "");
  std::string why = yama_obstacle(2, false);
  EXPECT_NE(why.find("kernel.yama.ptrace_scope=2"), std::string::npos) << why;
  EXPECT_NE(why.find("CAP_SYS_PTRACE"), std::string::npos) << why;
  EXPECT_NE(why.find("ptrace_scope=1"), std::string::npos) << why;  // the fix
}

TEST(Yama, ScopeThreeRefusesEveryone) {
  for (bool cap : {false, true}) {
    std::string why = yama_obstacle(3, cap);
    EXPECT_NE(why.find("kernel.yama.ptrace_scope=3"), std::string::npos) << why;
    EXPECT_NE(why.find("next boot"), std::string::npos) << why;
  }
}
