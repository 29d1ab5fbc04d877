#include "access/manifest.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "sysgate/diagnostic.hpp"

namespace sysgate::access {
namespace {

std::string write_temp(const std::string& text) {
  char name[] = "/tmp/sysgate-manifest-XXXXXX";
  int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(name) << text;
  return name;
}

TEST(Manifest, UndeclaredAccessesAreListedByKind) {
  std::string f = write_temp(
      "inputs: [\"${CWD}/src/**\"]\noutputs: [\"${CWD}/out/**\"]\ntools: [/opt/sg-tools/cc]\n"
      "network: [\"127.0.0.1:80\"]\nabsent_probes: report\n");
  Manifest m = load_manifest(f, "/p");
  std::remove(f.c_str());
  AccessRecord r;
  r.note(Kind::Read, "/p/src/a.c", 10);
  r.note(Kind::Read, "/p/out/a.o", 10);      // reading an output is fine
  r.note(Kind::Read, "/p/secret", 11);
  r.note(Kind::Written, "/p/src/a.c", 12);   // writing an input is not
  r.note(Kind::Executed, "/opt/sg-tools/cc", 10);
  r.note(Kind::Executed, "/usr/bin/curl", 13);
  r.note(Kind::Probed, "/p/missing", 10);
  Undeclared u = undeclared(m, r);
  ASSERT_EQ(u.lines.size(), 4u);
  EXPECT_EQ(u.lines[0].rfind("R /p/secret (pid 11", 0), 0u) << u.lines[0];
  EXPECT_EQ(u.lines[1].rfind("W /p/src/a.c (pid 12", 0), 0u) << u.lines[1];
  EXPECT_EQ(u.lines[2].rfind("X /usr/bin/curl (pid 13", 0), 0u) << u.lines[2];
  EXPECT_EQ(u.lines[3].rfind("probe /p/missing", 0), 0u) << u.lines[3];
  EXPECT_TRUE(u.fails);

  AccessRecord only_probe;
  only_probe.note(Kind::Probed, "/p/missing", 10);
  EXPECT_FALSE(undeclared(m, only_probe).fails);  // reported, not failing
}

TEST(Manifest, ErrorsHaveTheirPlace) {
  std::string f = write_temp("inputs: /usr\noutputs: [relative/path]\nabsent_probes: sometimes\nextra: 1\n");
  try {
    load_manifest(f, "/p");
    ADD_FAILURE() << "loaded";
  } catch (const InputError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.str() + "\n";
    EXPECT_NE(all.find(f + ":1:9: 'inputs' must be a list"), std::string::npos) << all;
    EXPECT_NE(all.find(f + ":2:11: path patterns must be absolute"), std::string::npos) << all;
    EXPECT_NE(all.find(f + ":3:16: 'absent_probes' is ignore, report or fail"), std::string::npos) << all;
    EXPECT_NE(all.find(f + ":4:1: unknown key 'extra'"), std::string::npos) << all;
  }
  std::remove(f.c_str());
}

}  // namespace
}  // namespace sysgate::access
