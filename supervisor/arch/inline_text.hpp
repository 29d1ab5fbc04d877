// Text kept inside a constexpr table's entries instead of pointed to.
//
// In a position-independent binary every pointer in an initialised table (a
// `const char*`, a `std::string_view`) is a load-time relocation: ld.so writes
// each one at start-up, which copies every page of the table into the process.
// The system-call and constant tables were most of sysgate's 12,369 such
// relocations (229 kB of tables), 0.7-0.9 ms of every start on a VM where a
// page fault costs about 10 us (bench/README.md, fourth session). Entries of
// InlineText hold no pointer, so their tables stay in read-only pages shared
// with the file.
#pragma once

#include <cstddef>
#include <string_view>

namespace sysgate::arch {

// A NUL-terminated text of at most N - 1 characters; a longer string literal
// does not compile. Initialised from a literal in a table: {"openat", ...}.
template <std::size_t N>
struct InlineText {
  char text[N];

  constexpr std::string_view view() const { return std::string_view(text); }
  constexpr operator std::string_view() const { return view(); }
  constexpr bool empty() const { return text[0] == '\0'; }

  friend constexpr bool operator==(const InlineText& a, std::string_view b) { return a.view() == b; }
  friend constexpr auto operator<=>(const InlineText& a, std::string_view b) { return a.view() <=> b; }
  template <class Stream>
  friend Stream& operator<<(Stream& out, const InlineText& t) {
    out << t.view();
    return out;
  }
};

}  // namespace sysgate::arch
