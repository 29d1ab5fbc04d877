#include "trace/call_memory.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "arch/syscall_table.hpp"
#include "fs/access_table.hpp"
#include "trace/tracee_memory.hpp"

namespace sysgate::trace {
namespace {

constexpr std::uint64_t kMaxAddrLen = sizeof(sockaddr_storage);

std::uint64_t word(const std::string& bytes, std::size_t offset, bool word64) {
  std::uint64_t v = 0;
  std::memcpy(&v, bytes.data() + offset, word64 ? 8 : 4);
  return v;
}

}  // namespace

TraceeCallMemory::TraceeCallMemory(pid_t tgid, pid_t tid, Abi abi, std::string call, const std::uint64_t args[6])
    : tgid_(tgid), tid_(tid), abi_(abi), call_(std::move(call)) {
  for (int i = 0; i < 6; ++i) args_[i] = args[i];
}

const fs::ResolvedPath* TraceeCallMemory::path(int index, int& error) {
  auto it = paths_.find(index);
  if (it == paths_.end()) {
    fs::PathArg how;
    how.path = static_cast<std::int8_t>(index);
    if (const fs::PathCall* pc = fs::find_path_call(call_))
      for (int i = 0; i < pc->count; ++i)
        if (pc->args[i].path == index) how = pc->args[i];
    std::optional<fs::ResolvedPath> resolved;
    int err = 0;
    auto text = read_string(tid_, args_[index], err);
    if (text) {
      CheckedBytes c;
      c.arg = index;
      c.address = args_[index];
      c.bytes.assign(text->c_str(), text->size() + 1);
      checked_.push_back(std::move(c));
      int dirfd = how.dirfd >= 0 ? static_cast<std::int32_t>(args_[how.dirfd]) : fs::kCwd;
      bool empty_ok = how.empty_path_ok && how.at_flags >= 0 && (args_[how.at_flags] & 0x1000 /* AT_EMPTY_PATH */) != 0;
      int why = ENOENT;
      resolved = fs::resolve_path(tgid_, tid_, dirfd, *text, fs::follows_last(how, args_), empty_ok, false, &why);
      if (!resolved) err = why;
    }
    it = paths_.emplace(index, std::make_pair(resolved, err)).first;
  }
  error = it->second.second;
  return it->second.first ? &*it->second.first : nullptr;
}

const fs::ResolvedPath* TraceeCallMemory::named_path(int index, int& error) {
  const fs::ResolvedPath* p = path(index, error);
  if (p != nullptr || error != ENOENT) return p;
  auto it = named_.find(index);
  if (it == named_.end()) {
    fs::PathArg how;
    how.path = static_cast<std::int8_t>(index);
    if (const fs::PathCall* pc = fs::find_path_call(call_))
      for (int i = 0; i < pc->count; ++i)
        if (pc->args[i].path == index) how = pc->args[i];
    int err = 0;
    auto text = read_string(tid_, args_[index], err);  // read (and checked) by path() already
    if (!text || text->empty()) return nullptr;
    int dirfd = how.dirfd >= 0 ? static_cast<std::int32_t>(args_[how.dirfd]) : fs::kCwd;
    auto r = fs::resolve_path(tgid_, tid_, dirfd, *text, fs::follows_last(how, args_), false, true);
    if (!r) return nullptr;
    it = named_.emplace(index, std::move(*r)).first;
  }
  error = 0;
  return &it->second;
}

const fs::ResolvedPath* TraceeCallMemory::redirect(int index, const std::string& to, int& error) {
  fs::PathArg how;
  how.path = static_cast<std::int8_t>(index);
  if (const fs::PathCall* pc = fs::find_path_call(call_))
    for (int i = 0; i < pc->count; ++i)
      if (pc->args[i].path == index) how = pc->args[i];
  // An absolute path: the directory descriptor no longer matters.
  int why = ENOENT;
  auto resolved = fs::resolve_path(tgid_, tid_, fs::kCwd, to, fs::follows_last(how, args_), false, false, &why);
  int err = resolved ? 0 : why;
  paths_[index] = std::make_pair(resolved, err);
  CheckedBytes c;
  c.arg = index;
  c.address = args_[index];
  c.bytes.assign(to.c_str(), to.size() + 1);
  c.redirected = true;
  auto same = [index](const CheckedBytes& b) { return b.arg == index && b.stride == 0; };
  if (auto it = std::find_if(checked_.begin(), checked_.end(), same); it != checked_.end())
    *it = std::move(c);
  else
    checked_.push_back(std::move(c));
  error = err;
  return resolved ? &*paths_[index].first : nullptr;
}

bool TraceeCallMemory::redirected() const {
  for (const auto& c : checked_)
    if (c.redirected) return true;
  return false;
}

const fs::ResolvedPath* TraceeCallMemory::resolve(const std::string& path, bool follow_last, int& error) {
  std::string key = (follow_last ? "f:" : "n:") + path;
  auto it = extra_paths_.find(key);
  if (it == extra_paths_.end()) {
    int why = ENOENT;
    auto r = fs::resolve_path(tgid_, tid_, fs::kCwd, path, follow_last, false, false, &why);
    it = extra_paths_.emplace(key, std::make_pair(r, r ? 0 : why)).first;
  }
  error = it->second.second;
  return it->second.first ? &*it->second.first : nullptr;
}

std::optional<net::SocketAddress> TraceeCallMemory::read_address(std::uint64_t ptr, std::uint64_t len, int& error,
                                                                std::string* raw) {
  if (len > kMaxAddrLen || len < sizeof(sa_family_t)) {
    error = EINVAL;
    return std::nullopt;
  }
  auto bytes = read_bytes(tid_, ptr, static_cast<std::size_t>(len));
  if (!bytes) {
    error = errno == ESRCH ? ESRCH : EFAULT;
    return std::nullopt;
  }
  if (raw != nullptr) *raw = *bytes;
  auto a = net::decode(*bytes);
  if (!a) error = EINVAL;
  return a;
}

const std::vector<net::SocketAddress>* TraceeCallMemory::addresses(int& error) {
  if (!addresses_) {
    std::vector<net::SocketAddress> out;
    int err = 0;
    bool ok = true;
    // One address a register points at (connect, bind, sendto).
    auto add_direct = [&](int arg, std::uint64_t len) {
      if (args_[arg] == 0) return;  // no destination: a connected socket
      std::string raw;
      auto a = read_address(args_[arg], len & 0xffffffffu, err, &raw);
      if (!a) {
        ok = false;
        return;
      }
      out.push_back(*a);
      checked_.push_back({arg, args_[arg], std::move(raw), 0, 0, {}});
    };
    bool word64 = abi_ == Abi::X86_64;
    // struct msghdr: msg_name, msg_namelen first; 56 bytes (28 on 32-bit ABIs).
    std::size_t hdr = word64 ? 56 : 28;
    if (call_ == "connect" || call_ == "bind") {
      if (args_[1] == 0) {
        ok = false;
        err = EFAULT;
      } else {
        add_direct(1, args_[2]);
      }
    } else if (call_ == "sendto") {
      add_direct(4, args_[5]);
    } else if (call_ == "sendmsg" || call_ == "sendmmsg") {
      std::uint64_t count = 1;
      if (call_ == "sendmmsg") {
        count = std::min<std::uint64_t>(args_[2] & 0xffffffffu, kMaxMessages);
        message_count_ = count;
      }
      std::size_t stride = call_ == "sendmsg" ? hdr : hdr + (word64 ? 8 : 4);  // struct mmsghdr
      auto bytes = read_bytes(tid_, args_[1], static_cast<std::size_t>(count * stride));
      if (!bytes) {
        ok = false;
        err = errno == ESRCH ? ESRCH : EFAULT;
      } else {
        CheckedBytes c{1, args_[1], *bytes, stride, static_cast<std::size_t>(count), {}};
        for (std::uint64_t i = 0; i < count && ok; ++i) {
          std::size_t base = static_cast<std::size_t>(i * stride);
          std::uint64_t name = word(*bytes, base, word64);
          std::string raw;
          if (name != 0) {
            auto a = read_address(name, word(*bytes, base + (word64 ? 8 : 4), false), err, &raw);
            if (!a) ok = false;
            else out.push_back(*a);
          }
          c.names.emplace_back(name, std::move(raw));
        }
        if (ok) checked_.push_back(std::move(c));
      }
    }
    addresses_ = std::make_pair(ok ? std::optional(out) : std::nullopt, err);
  }
  error = addresses_->second;
  return addresses_->first ? &*addresses_->first : nullptr;
}

std::map<std::string, std::string> TraceeCallMemory::seen() const {
  std::map<std::string, std::string> out;
  const arch::SyscallSpec* spec = arch::find_syscall(call_);
  for (const auto& [index, value] : paths_) {
    std::string name = spec != nullptr && index < spec->nargs ? std::string(spec->args[index].name) : "arg" + std::to_string(index);
    out[name] = value.first ? value.first->path : "(unresolved: " + std::string(strerrorname_np(value.second) ? strerrorname_np(value.second) : "?") + ")";
  }
  if (addresses_ && addresses_->first) {
    std::string s;
    for (const auto& a : *addresses_->first) s += (s.empty() ? "" : " ") + a.str();
    if (!s.empty()) out["address"] = s;
  }
  return out;
}

}  // namespace sysgate::trace
