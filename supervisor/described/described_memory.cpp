#include "described/described_memory.hpp"

#include <unistd.h>

#include <cerrno>

#include "fs/access_table.hpp"

namespace sysgate::described {

DescribedMemory::DescribedMemory(const DescribedCall& call) : call_(call), pid_(static_cast<int>(getpid())) {}

// How the call looks up argument `index` (its directory argument, whether
// the last symlink is followed), as the tracer reads it (trace/call_memory.cpp).
fs::PathArg DescribedMemory::how(int index) const {
  fs::PathArg how;
  how.path = static_cast<std::int8_t>(index);
  if (const fs::PathCall* pc = fs::find_path_call(call_.name))
    for (int i = 0; i < pc->count; ++i)
      if (pc->args[i].path == index) how = pc->args[i];
  return how;
}

const fs::ResolvedPath* DescribedMemory::path(int index, int& error) {
  auto it = paths_.find(index);
  if (it == paths_.end()) {
    std::optional<fs::ResolvedPath> resolved;
    int err = EFAULT;  // a pointer written as a number: nothing to read
    auto text = call_.strings.find(index);
    if (text != call_.strings.end()) {
      const fs::PathArg h = how(index);
      const std::uint64_t* args = call_.args;
      // parse_call refused a relative path from any descriptor but AT_FDCWD.
      int dirfd = h.dirfd >= 0 ? static_cast<std::int32_t>(args[h.dirfd]) : fs::kCwd;
      if (!text->second.empty() && text->second[0] == '/') dirfd = fs::kCwd;
      bool empty_ok = h.empty_path_ok && h.at_flags >= 0 && (args[h.at_flags] & 0x1000 /* AT_EMPTY_PATH */) != 0;
      int why = ENOENT;
      resolved = fs::resolve_path(pid_, pid_, dirfd, text->second, fs::follows_last(h, args), empty_ok, false, &why);
      err = resolved ? 0 : why;
    }
    it = paths_.emplace(index, std::make_pair(resolved, err)).first;
  }
  error = it->second.second;
  return it->second.first ? &*it->second.first : nullptr;
}

const fs::ResolvedPath* DescribedMemory::named_path(int index, int& error) {
  const fs::ResolvedPath* p = path(index, error);
  if (p != nullptr || error != ENOENT) return p;
  auto it = named_.find(index);
  if (it == named_.end()) {
    auto text = call_.strings.find(index);
    if (text == call_.strings.end() || text->second.empty()) return nullptr;
    const fs::PathArg h = how(index);
    auto r = fs::resolve_path(pid_, pid_, fs::kCwd, text->second, fs::follows_last(h, call_.args), false, true);
    if (!r) return nullptr;
    it = named_.emplace(index, std::move(*r)).first;
  }
  error = 0;
  return &it->second;
}

const fs::ResolvedPath* DescribedMemory::redirect(int index, const std::string& to, int& error) {
  auto resolved = fs::resolve_path(pid_, pid_, fs::kCwd, to, fs::follows_last(how(index), call_.args), false);
  int err = resolved ? 0 : ENOENT;
  paths_[index] = std::make_pair(resolved, err);
  named_.erase(index);
  error = err;
  return resolved ? &*paths_[index].first : nullptr;
}

const fs::ResolvedPath* DescribedMemory::resolve(const std::string& path, bool follow_last, int& error) {
  std::string key = (follow_last ? "f:" : "n:") + path;
  auto it = extra_paths_.find(key);
  if (it == extra_paths_.end()) {
    auto r = fs::resolve_path(pid_, pid_, fs::kCwd, path, follow_last, false);
    it = extra_paths_.emplace(key, std::make_pair(r, r ? 0 : ENOENT)).first;
  }
  error = it->second.second;
  return it->second.first ? &*it->second.first : nullptr;
}

// The addresses the tracer would read (trace/call_memory.cpp): connect's and
// bind's sockaddr, sendto's destination (none when NULL), the msg_name of
// sendmsg's and sendmmsg's messages. The length arguments are not looked at:
// the description says what the address is.
const std::vector<net::SocketAddress>* DescribedMemory::addresses(int& error) {
  if (!addresses_) {
    int index = -1;
    bool null_is_none = false;
    if (call_.name == "connect" || call_.name == "bind" || call_.name == "sendmsg" || call_.name == "sendmmsg") {
      index = 1;
    } else if (call_.name == "sendto") {
      index = 4;
      null_is_none = true;  // a connected socket's send
    }
    std::optional<std::vector<net::SocketAddress>> found;
    int err = EFAULT;
    if (index < 0) {
      found.emplace();
    } else if (auto it = call_.addresses.find(index); it != call_.addresses.end()) {
      found = it->second;
    } else if (null_is_none && call_.args[index] == 0) {
      found.emplace();
    }
    if (found) err = 0;
    addresses_ = std::make_pair(found, err);
  }
  error = addresses_->second;
  return addresses_->first ? &*addresses_->first : nullptr;
}

}  // namespace sysgate::described
