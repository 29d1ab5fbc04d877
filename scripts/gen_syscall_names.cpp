// Writes the system call names libseccomp knows, per ABI, as C++ tables
// (build/generated/syscall_names.inc, included by supervisor/arch/abi.cpp): a
// name for every number (by index from the ABI's base), and every name with
// its number sorted by name. Run at build time against the libseccomp the
// binary links, so the tables are that library's, and no run scans it: 3 x
// 1024 seccomp_syscall_resolve_num_arch calls, each a linear search, were 6 %
// of a graded run's supervisor time.
#include <seccomp.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

int main() {
  struct Abi {
    const char* id;
    std::uint32_t arch;
    int base;
  };
  const Abi abis[] = {{"x86_64", SCMP_ARCH_X86_64, 0}, {"i386", SCMP_ARCH_X86, 0}, {"x32", SCMP_ARCH_X32, 0x40000000}};
  std::printf("// GENERATED at build time by scripts/gen_syscall_names.cpp from libseccomp %u.%u.%u: do not edit.\n",
              seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro);
  for (const Abi& a : abis) {
    std::vector<std::string> by_index;
    std::map<std::string, int> numbers;  // the lowest number of a name, as a scan in order would keep
    for (int nr = 0; nr < 1024; ++nr) {
      char* name = seccomp_syscall_resolve_num_arch(a.arch, a.base + nr);
      if (name == nullptr) continue;
      if (by_index.size() <= static_cast<std::size_t>(nr)) by_index.resize(static_cast<std::size_t>(nr) + 1);
      by_index[static_cast<std::size_t>(nr)] = name;
      numbers.emplace(name, a.base + nr);
      std::free(name);
    }
    if (by_index.empty()) {
      std::fprintf(stderr, "gen_syscall_names: libseccomp knows no call of %s\n", a.id);
      return 1;
    }
    // Names, not pointers to them: the tables then need no relocation.
    std::printf("constexpr CallName kNames_%s[] = {\n", a.id);
    for (const auto& n : by_index) std::printf("    {\"%s\"},\n", n.c_str());
    std::printf("};\nconstexpr NumberOf kNumbers_%s[] = {\n", a.id);
    for (const auto& [name, nr] : numbers) std::printf("    {{\"%s\"}, %d},\n", name.c_str(), nr);
    std::printf("};\n");
  }
  return 0;
}
