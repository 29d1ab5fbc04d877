#include "policy/yaml_scan.hpp"

#include <cstddef>

namespace sysgate::policy {
namespace {

struct Scan {
  std::vector<TextPlace> flows;    // open '[' and '{'
  std::optional<TextPlace> quote;  // the open quoted string at the end
  std::optional<std::vector<TextPlace>> flows_at_stop;
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Follows the text as YAML's tokens go, as far as brackets, quotes, comments
// and block scalars are concerned; everything else is plain text.
Scan scan(std::string_view text, int stop_line, int stop_column) {
  Scan s;
  int line = 1, column = 1;
  std::size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // byte order mark
  // The last significant character on this line before the current one, or
  // 0 at the start of a line: where a quote or a bracket can begin a token.
  char prev = 0;
  int line_indent = 0;
  bool at_line_start = true;
  int block_parent = -1;  // inside a block scalar (| or >) of a line indented this much
  char quote = 0;
  TextPlace quote_start;

  auto newline = [&] {
    ++line;
    column = 1;
    prev = 0;
    line_indent = 0;
    at_line_start = true;
  };
  while (i < text.size()) {
    if (line == stop_line && column == stop_column && !s.flows_at_stop) s.flows_at_stop = s.flows;
    char c = text[i];
    if (quote != 0) {
      if (c == '\n') {
        newline();
        at_line_start = false;  // inside the string, a line's indentation means nothing
      } else if (quote == '"' && c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
        ++i;
        ++column;
      } else if (c == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {  // '' in '...'
          ++i;
          ++column;
        } else {
          quote = 0;
          prev = 'x';
        }
      }
      ++i;
      if (c != '\n') ++column;
      continue;
    }
    if (at_line_start) {
      // Measure the indentation; blank lines and comments do not end a block scalar.
      std::size_t j = i;
      while (j < text.size() && text[j] == ' ') ++j;
      bool blank = j >= text.size() || text[j] == '\n' || text[j] == '\r';
      int indent = static_cast<int>(j - i);
      if (block_parent >= 0 && (blank || indent > block_parent)) {
        while (i < text.size() && text[i] != '\n') ++i;  // a line of the block scalar
        if (i < text.size()) ++i;
        newline();
        continue;
      }
      block_parent = -1;
      line_indent = indent;
      column += indent;
      i = j;
      at_line_start = false;
      continue;
    }
    if (c == '\n') {
      ++i;
      newline();
      continue;
    }
    if (is_space(c) || c == '\r') {
      ++i;
      ++column;
      continue;
    }
    bool token_start =
        prev == 0 || prev == '[' || prev == '{' || prev == ',' || prev == ':' || prev == '-' || prev == '?';
    if (c == '#' && (i == 0 || is_space(text[i - 1]) || prev == 0)) {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if ((c == '"' || c == '\'') && token_start) {
      quote = c;
      quote_start = {c, line, column};
    } else if ((c == '[' || c == '{') && (token_start || !s.flows.empty())) {
      s.flows.push_back({c, line, column});
    } else if ((c == ']' || c == '}') && !s.flows.empty()) {
      s.flows.pop_back();
    } else if ((c == '|' || c == '>') && token_start && s.flows.empty()) {
      // A block scalar header: the indicator, then only [-+0-9] and a comment.
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == '-' || text[j] == '+' || (text[j] >= '0' && text[j] <= '9'))) ++j;
      while (j < text.size() && is_space(text[j])) ++j;
      if (j >= text.size() || text[j] == '\n' || text[j] == '\r' || text[j] == '#') {
        block_parent = line_indent;
        while (i < text.size() && text[i] != '\n') ++i;
        continue;
      }
    }
    // ':' and '-' are indicators only before a space (or the end of the line).
    if ((c == ':' || c == '-' || c == '?') && i + 1 < text.size() && !is_space(text[i + 1]) && text[i + 1] != '\n' &&
        text[i + 1] != '\r' &&
        !(c == ':' && !s.flows.empty() && (text[i + 1] == ',' || text[i + 1] == ']' || text[i + 1] == '}')))
      prev = 'x';
    else
      prev = c;
    ++i;
    ++column;
  }
  if (quote != 0) s.quote = quote_start;
  return s;
}

}  // namespace

std::vector<TextPlace> open_flows_at(std::string_view text, int line, int column) {
  Scan s = scan(text, line, column);
  return s.flows_at_stop ? *s.flows_at_stop : s.flows;
}

std::optional<TextPlace> unclosed_quote(std::string_view text) { return scan(text, 0, 0).quote; }

}  // namespace sysgate::policy
