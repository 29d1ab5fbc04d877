// policy::parse_size / parse_duration / parse_count / parse_process_limit_action
// (the values of `limits` and of the limit options), and capability names.
#include <gtest/gtest.h>
#include <linux/capability.h>

#include <stdexcept>
#include <string>

#include "policy/capabilities.hpp"
#include "policy/units.hpp"

namespace sysgate {
namespace {

using namespace policy;

// The message of the std::invalid_argument `f` throws, or "" when it does not.
template <typename F>
std::string refusal(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Units, SizesWithUnits) {
  EXPECT_EQ(parse_size("256MiB"), 256ull << 20);
  EXPECT_EQ(parse_size("64KiB"), 64ull << 10);
  EXPECT_EQ(parse_size("1GiB"), 1ull << 30);
  EXPECT_EQ(parse_size("1.5M"), 3ull << 19);
  EXPECT_EQ(parse_size("10B"), 10u);
  EXPECT_EQ(parse_size("1B"), 1u);
  EXPECT_EQ(parse_size("10 MiB"), 10ull << 20);
}

// Issue 9, item 10: `--memory 10` was a limit of 10 bytes.
TEST(Units, SizeWithoutUnitMustBeAtLeastOneMebibyte) {
  for (const char* bare : {"10", "256", "4096", "65536", "262144", "1048575"}) {
    std::string m = refusal([&] { parse_size(bare); });
    EXPECT_NE(m.find(std::string("'") + bare + "' has no unit"), std::string::npos) << bare << ": " << m;
    for (const char* unit : {"B", "KiB", "MiB", "GiB"}) EXPECT_NE(m.find(unit), std::string::npos) << m;
    EXPECT_NE(m.find(std::string(bare) + "MiB"), std::string::npos) << m;  // the likely meaning, spelt out
  }
  EXPECT_EQ(parse_size("1048576"), 1048576u);
  EXPECT_EQ(parse_size("268435456"), 256ull << 20);
}

TEST(Units, BadSizes) {
  for (const char* bad : {"", "lots", "-1MiB", "0", "0B", "1XB", "MiB", "0.1B"})
    EXPECT_NE(refusal([&] { parse_size(bad); }).find("is not a size"), std::string::npos) << bad;
}

TEST(Units, Durations) {
  EXPECT_DOUBLE_EQ(parse_duration("2s"), 2.0);
  EXPECT_DOUBLE_EQ(parse_duration("500ms"), 0.5);
  EXPECT_DOUBLE_EQ(parse_duration("1.5m"), 90.0);
  EXPECT_DOUBLE_EQ(parse_duration("2"), 2.0);  // seconds, as timeout(1) reads it
  EXPECT_DOUBLE_EQ(parse_duration("0.25"), 0.25);
  EXPECT_DOUBLE_EQ(parse_duration("999"), 999.0);
  EXPECT_DOUBLE_EQ(parse_duration("5000ms"), 5.0);
  EXPECT_DOUBLE_EQ(parse_duration("3600s"), 3600.0);
}

TEST(Units, DurationWithoutUnitFromAThousandIsRefused) {
  // Likely milliseconds: taken as seconds it would allow half an hour.
  std::string m = refusal([] { parse_duration("2000"); });
  EXPECT_NE(m.find("'2000' has no unit"), std::string::npos) << m;
  EXPECT_NE(m.find("2000ms"), std::string::npos) << m;
  EXPECT_NE(m.find("2000s"), std::string::npos) << m;
  EXPECT_NE(refusal([] { parse_duration("1000"); }), "");
}

TEST(Units, BadDurations) {
  for (const char* bad : {"", "forever", "-1s", "0", "0s", "2h", "s"})
    EXPECT_NE(refusal([&] { parse_duration(bad); }).find("is not a duration"), std::string::npos) << bad;
}

TEST(Units, Counts) {
  EXPECT_EQ(parse_count("10"), 10u);
  for (const char* bad : {"", "0", "-3", "1.5", "ten"}) EXPECT_NE(refusal([&] { parse_count(bad); }), "") << bad;
}

TEST(Units, ProcessLimitAction) {
  EXPECT_EQ(parse_process_limit_action("end"), ProcessLimitAction::End);
  EXPECT_EQ(parse_process_limit_action("fail"), ProcessLimitAction::Fail);
  std::string m = refusal([] { parse_process_limit_action("continue"); });
  EXPECT_NE(m.find("unknown value 'continue'"), std::string::npos) << m;
  EXPECT_NE(m.find("end ends the run with PROCESS_LIMIT"), std::string::npos) << m;
  EXPECT_NE(refusal([] { parse_process_limit_action("fial"); }).find("did you mean 'fail'?"), std::string::npos);
}

// --- capabilities ----------------------------------------------------------------

TEST(Capabilities, TableMatchesTheKernelHeaders) {
  EXPECT_EQ(last_capability(), CAP_LAST_CAP);
  EXPECT_EQ(capability_from_name("CAP_CHOWN"), CAP_CHOWN);
  EXPECT_EQ(capability_from_name("CAP_DAC_OVERRIDE"), CAP_DAC_OVERRIDE);
  EXPECT_EQ(capability_from_name("CAP_SYS_PTRACE"), CAP_SYS_PTRACE);
  EXPECT_EQ(capability_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
  EXPECT_EQ(capability_from_name("CAP_AUDIT_READ"), CAP_AUDIT_READ);
  EXPECT_EQ(capability_from_name("CAP_CHECKPOINT_RESTORE"), CAP_CHECKPOINT_RESTORE);
  for (int i = 0; i <= last_capability(); ++i) {
    ASSERT_NE(capability_name(i), nullptr) << i;
    EXPECT_EQ(capability_from_name(capability_name(i)), i) << capability_name(i);
  }
  EXPECT_EQ(capability_name(last_capability() + 1), nullptr);
  EXPECT_EQ(capability_name(-1), nullptr);
}

TEST(Capabilities, NamesAnyCaseWithOrWithoutPrefix) {
  EXPECT_EQ(capability_from_name("cap_chown"), 0);
  EXPECT_EQ(capability_from_name("CHOWN"), 0);
  EXPECT_EQ(capability_from_name("Net_Raw"), CAP_NET_RAW);
  EXPECT_EQ(capability_from_name("CAP_"), std::nullopt);
  EXPECT_EQ(capability_from_name(""), std::nullopt);
  EXPECT_EQ(capability_from_name("CAP_CHOWNX"), std::nullopt);
}

TEST(Capabilities, ParseLists) {
  EXPECT_EQ(parse_capabilities(""), 0u);
  EXPECT_EQ(parse_capabilities("CAP_CHOWN"), 1u);
  EXPECT_EQ(parse_capabilities("CAP_CHOWN,CAP_FOWNER"), 0b1001u);
  EXPECT_EQ(parse_capabilities("chown, fowner"), 0b1001u);
  EXPECT_EQ(parse_capabilities("all"), all_capabilities());
  EXPECT_EQ(all_capabilities(), (1ull << (CAP_LAST_CAP + 1)) - 1);
  std::string m = refusal([] { parse_capabilities("CAP_CHOWN,CAP_SYS_PTRAC"); });
  EXPECT_NE(m.find("unknown capability 'CAP_SYS_PTRAC' (did you mean 'CAP_SYS_PTRACE'?)"), std::string::npos) << m;
  EXPECT_NE(refusal([] { parse_capabilities("CAP_CHOWN,,CAP_KILL"); }).find("empty"), std::string::npos);
  EXPECT_EQ(capabilities_text(0b100001), "CAP_CHOWN,CAP_KILL");
  EXPECT_EQ(capabilities_text(0), "");
}

}  // namespace
}  // namespace sysgate
