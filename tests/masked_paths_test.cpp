// Which deny entries the mount-namespace masks cover (fs/masked_paths.hpp).
#include "fs/masked_paths.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace sysgate::fs {
namespace {

class MaskPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sysgate-masks.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    char real[PATH_MAX];
    ASSERT_NE(realpath(tmpl, real), nullptr);
    dir_ = real;
    ASSERT_EQ(mkdir((dir_ + "/secret").c_str(), 0700), 0);
    std::ofstream(dir_ + "/key") << "k";
    ASSERT_EQ(symlink("secret", (dir_ + "/alias").c_str()), 0);
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  MaskPlan plan(std::vector<std::string> deny) {
    FilesystemSection fs;
    fs.present = true;
    fs.deny = std::move(deny);
    return plan_masks(fs);
  }
  std::string dir_;
};

TEST_F(MaskPlanTest, MasksExistingPathsAndTrees) {
  auto p = plan({dir_ + "/secret/**", dir_ + "/key"});
  ASSERT_EQ(p.masks.size(), 2u);  // sorted by path
  EXPECT_EQ(p.masks[0].path, dir_ + "/key");
  EXPECT_FALSE(p.masks[0].directory);
  EXPECT_EQ(p.masks[1].path, dir_ + "/secret");
  EXPECT_TRUE(p.masks[1].directory);
  EXPECT_TRUE(p.notes.empty());
}

TEST_F(MaskPlanTest, MasksWhatASymlinkLeadsTo) {
  auto p = plan({dir_ + "/alias"});
  ASSERT_EQ(p.masks.size(), 1u);
  EXPECT_EQ(p.masks[0].path, dir_ + "/secret");
}

TEST_F(MaskPlanTest, LeavesGlobsAndMissingPathsToTheSupervisorAndSaysSo) {
  auto p = plan({dir_ + "/*.key", dir_ + "/secret/*/x", dir_ + "/not-yet", dir_ + "/not-yet/**"});
  EXPECT_TRUE(p.masks.empty());
  ASSERT_EQ(p.notes.size(), 4u);
  EXPECT_NE(p.notes[0].find("a glob"), std::string::npos);
  EXPECT_NE(p.notes[1].find("a glob"), std::string::npos);
  EXPECT_NE(p.notes[2].find("does not exist yet"), std::string::npos);
  EXPECT_NE(p.notes[3].find("does not exist yet"), std::string::npos);
}

TEST_F(MaskPlanTest, KeepsOnlyTheOutermostOfNestedEntries) {
  std::ofstream(dir_ + "/secret/inner") << "i";
  auto p = plan({dir_ + "/secret/inner", dir_ + "/secret/**", dir_ + "/secret", dir_ + "/key", dir_ + "/key"});
  ASSERT_EQ(p.masks.size(), 2u);
  EXPECT_EQ(p.masks[0].path, dir_ + "/key");
  EXPECT_EQ(p.masks[1].path, dir_ + "/secret");
}

TEST_F(MaskPlanTest, NeverMasksTheRoot) {
  auto p = plan({"/**"});
  EXPECT_TRUE(p.masks.empty());
  ASSERT_EQ(p.notes.size(), 1u);
}

// A deny entry removed between planning and masking (another user's home
// deleted meanwhile) is skipped, not a set-up failure; the others are masked.
TEST_F(MaskPlanTest, EntryGoneSincePlanningIsSkipped) {
  if (!can_mask()) GTEST_SKIP() << "masking needs CAP_SYS_ADMIN";
  ASSERT_EQ(mkdir((dir_ + "/gone").c_str(), 0700), 0);
  auto p = plan({dir_ + "/gone", dir_ + "/secret"});
  ASSERT_EQ(p.masks.size(), 2u);
  ASSERT_EQ(rmdir((dir_ + "/gone").c_str()), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // In the child's own mount namespace: the result, then whether secret/ is masked.
    int rc = apply_masks(p);
    struct stat st{};
    bool masked = stat((dir_ + "/secret").c_str(), &st) == 0 && (st.st_mode & 07777) == 0;
    _exit(rc == 0 ? (masked ? 0 : 3) : 2);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2: apply_masks failed (the old code: ENOENT); 3: secret/ not masked";
}

TEST_F(MaskPlanTest, NoDenyEntriesNoNamespace) {
  auto p = plan({});
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(apply_masks(p), 0);  // nothing to do: no unshare in this (test) process
}

}  // namespace
}  // namespace sysgate::fs
