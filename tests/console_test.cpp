// cli/console.hpp: a report file's whole content, written over the old one.
#include "cli/console.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>

namespace sysgate::cli {
namespace {

namespace fs = std::filesystem;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class WholeFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sysgate-console-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(WholeFile, ReplacesALongerOrShorterFileExactlyInTheSameInode) {
  const std::string path = dir_ + "/report.json";
  write_whole_file(path, std::string(5000, 'a'));
  EXPECT_EQ(read_all(path), std::string(5000, 'a'));
  struct stat before{};
  ASSERT_EQ(stat(path.c_str(), &before), 0);
  write_whole_file(path, "{\"short\":1}\n");
  EXPECT_EQ(read_all(path), "{\"short\":1}\n");  // nothing of the old tail is left
  write_whole_file(path, std::string(9000, 'b') + "\xff\xfe");
  EXPECT_EQ(read_all(path), std::string(9000, 'b') + "\xff\xfe");
  write_whole_file(path, "");
  EXPECT_EQ(read_all(path), "");
  struct stat after{};
  ASSERT_EQ(stat(path.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(after.st_size, 0);
}

TEST_F(WholeFile, CreatesTheFileWithTheUmasksMode) {
  const std::string path = dir_ + "/new.json";
  mode_t old = umask(022);
  write_whole_file(path, "x");
  umask(old);
  struct stat st{};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(read_all(path), "x");
}

TEST_F(WholeFile, WritesToAPipeWithoutCuttingIt) {
  const std::string path = dir_ + "/fifo";
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = read_all(path); });
  const std::string text(100000, 'p');  // more than a pipe holds
  write_whole_file(path, text);
  reader.join();
  EXPECT_EQ(got, text);
}

TEST_F(WholeFile, AFileThatCannotBeWrittenThrowsWithTheCause) {
  try {
    write_whole_file(dir_, "x");  // a directory
    FAIL() << "no error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EISDIR);
  }
  try {
    write_whole_file(dir_ + "/missing/report.json", "x");
    FAIL() << "no error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
  }
}

}  // namespace
}  // namespace sysgate::cli
