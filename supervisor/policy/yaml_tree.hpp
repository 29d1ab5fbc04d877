// A read-only YAML document for the policy loader: what yaml-cpp's
// YAML::Load builds (the same events from the same parser, so the same nodes,
// tags and marks), stored flat. The loader reads it through yaml::Node, which
// has the part of YAML::Node's interface the loader uses.
//
// Flat, so that a tree can also be static data: the shipped policies are
// parsed when sysgate is built (scripts/gen_shipped_trees.cpp) and a run that
// names one reads its tree from the binary instead of parsing the YAML again
// (yaml-cpp's scanner was most of a graded run's 0.5 ms of policy loading).
#pragma once

#include <yaml-cpp/mark.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sysgate::policy::yaml {

enum class Kind : std::uint8_t { Null, Scalar, Sequence, Map };

// One node. Its tag ("?" plain, "!" quoted, or the tag written) and scalar
// are ranges of the tree's text; its children, a sequence's elements or a
// map's keys and values in turn, are `count` entries of the tree's child list
// from `first`. No pointers: a static tree needs no relocation at start-up.
struct Item {
  Kind kind = Kind::Null;
  int pos = 0, line = 0, column = 0;  // YAML::Mark's (0-based)
  std::uint32_t tag = 0, tag_size = 0;
  std::uint32_t scalar = 0, scalar_size = 0;
  std::uint32_t first = 0, count = 0;
};

// A document: item 0 is its root.
struct Tree {
  std::span<const Item> items;
  std::span<const std::uint32_t> children;
  std::string_view text;  // the tags and scalars, one after another
};

// A document parsed at run time; owns what its Tree views.
class Document {
 public:
  // Parses the first document of `text` as YAML::Load does; an empty text is
  // a null root. Throws YAML::ParserException.
  static Document parse(std::string_view text);
  Document() = default;
  // A move views the moved members anew: a short text lives inside its
  // std::string (small-string buffer), so views of the old one would dangle.
  Document(Document&& o) noexcept { *this = std::move(o); }
  Document& operator=(Document&& o) noexcept {
    items_ = std::move(o.items_);
    children_ = std::move(o.children_);
    text_ = std::move(o.text_);
    tree_ = {items_, children_, text_};
    o.tree_ = {};
    return *this;
  }
  // The document's tree; Nodes hold a pointer to it, valid while this
  // Document lives where it is (a moved Document has a tree of its own).
  const Tree& tree() const { return tree_; }

 private:
  friend class Builder;
  Tree tree_;  // views of the three below
  std::vector<Item> items_;
  std::vector<std::uint32_t> children_;
  std::string text_;
};

class Node;

// What iterating a Node gives: for a sequence the element itself, for a map
// the pair (`first`, `second`), as yaml-cpp's iterators do.
struct Entry;

class Node {
 public:
  Node() = default;  // undefined: what looking up a missing key gives
  Node(const Tree* tree, std::uint32_t index) : tree_(tree), index_(index) {}

  bool IsDefined() const { return tree_ != nullptr; }
  explicit operator bool() const { return IsDefined(); }
  bool IsNull() const { return IsDefined() && item().kind == Kind::Null; }
  bool IsScalar() const { return IsDefined() && item().kind == Kind::Scalar; }
  bool IsSequence() const { return IsDefined() && item().kind == Kind::Sequence; }
  bool IsMap() const { return IsDefined() && item().kind == Kind::Map; }
  // A copy (YAML::Node's is a reference into the tree): hold it in a variable
  // before keeping a pointer into it.
  std::string Scalar() const { return IsScalar() ? std::string(scalar_view()) : std::string(); }
  std::string_view Tag() const { return IsDefined() ? tree_->text.substr(item().tag, item().tag_size) : std::string_view(); }
  YAML::Mark Mark() const;
  // A map's pairs, a sequence's elements.
  std::size_t size() const;
  // A map's value for the first scalar key equal to `key`; undefined when none.
  Node operator[](std::string_view key) const;

  class iterator;
  iterator begin() const;
  iterator end() const;

 private:
  const Item& item() const { return tree_->items[index_]; }
  std::string_view scalar_view() const { return tree_->text.substr(item().scalar, item().scalar_size); }
  Node child(std::uint32_t i) const { return {tree_, tree_->children[item().first + i]}; }
  const Tree* tree_ = nullptr;
  std::uint32_t index_ = 0;
};

struct Entry : Node {
  Node first, second;
};

class Node::iterator {
 public:
  iterator(const Node& of, std::uint32_t at) : of_(of), at_(at) {}
  Entry operator*() const;
  struct Arrow {
    Entry entry;
    const Entry* operator->() const { return &entry; }
  };
  Arrow operator->() const { return {**this}; }
  iterator& operator++() {
    at_ += of_.IsMap() ? 2 : 1;
    return *this;
  }
  bool operator==(const iterator& o) const { return at_ == o.at_; }

 private:
  Node of_;
  std::uint32_t at_;
};

}  // namespace sysgate::policy::yaml
