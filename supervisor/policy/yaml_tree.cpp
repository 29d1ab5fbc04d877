#include "policy/yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <tuple>
#include <utility>

namespace sysgate::policy::yaml {

// Builds a Document from the parser's events as yaml-cpp's NodeBuilder builds
// nodes: an alias is the anchored node itself, a map's children are its keys
// and values in the order written (duplicates kept).
class Builder : public YAML::EventHandler {
 public:
  explicit Builder(Document& doc) : doc_(doc) { doc_.text_ = "?!"; }  // the two usual tags, once

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    finished(add(Kind::Null, mark, anchor, {}, {}));
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    finished(anchor < anchors_.size() ? anchors_[anchor] : add(Kind::Null, YAML::Mark::null_mark(), 0, {}, {}));
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    finished(add(Kind::Scalar, mark, anchor, tag, value));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open_.push_back({add(Kind::Sequence, mark, anchor, tag, {}), {}});
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open_.push_back({add(Kind::Map, mark, anchor, tag, {}), {}});
  }
  void OnMapEnd() override { close(); }

  bool has_root() const { return root_; }

 private:
  // Where `s` is in the text, appended.
  std::pair<std::uint32_t, std::uint32_t> keep(const std::string& s) {
    if (s == "?") return {0, 1};
    if (s == "!") return {1, 1};
    const auto at = static_cast<std::uint32_t>(doc_.text_.size());
    doc_.text_ += s;
    return {at, static_cast<std::uint32_t>(s.size())};
  }
  std::uint32_t add(Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor, const std::string& tag,
                    const std::string& scalar) {
    Item item;
    item.kind = kind;
    item.pos = mark.pos;
    item.line = mark.line;
    item.column = mark.column;
    std::tie(item.tag, item.tag_size) = keep(tag);
    std::tie(item.scalar, item.scalar_size) = keep(scalar);
    const auto index = static_cast<std::uint32_t>(doc_.items_.size());
    doc_.items_.push_back(item);
    if (anchor != 0) {
      if (anchors_.size() <= anchor) anchors_.resize(anchor + 1, 0);
      anchors_[anchor] = index;
    }
    return index;
  }
  // A node complete: a child of the collection open around it, or the root.
  void finished(std::uint32_t index) {
    if (open_.empty()) {
      root_ = true;
    } else {
      open_.back().children.push_back(index);
    }
  }
  void close() {
    Open o = std::move(open_.back());
    open_.pop_back();
    Item& item = doc_.items_[o.index];
    item.first = static_cast<std::uint32_t>(doc_.children_.size());
    item.count = static_cast<std::uint32_t>(o.children.size());
    doc_.children_.insert(doc_.children_.end(), o.children.begin(), o.children.end());
    finished(o.index);
  }

 private:
  struct Open {
    std::uint32_t index;
    std::vector<std::uint32_t> children;
  };
  Document& doc_;
  std::vector<Open> open_;
  std::vector<std::uint32_t> anchors_;
  bool root_ = false;
};

Document Document::parse(std::string_view text) {
  Document doc;
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  Builder builder(doc);
  parser.HandleNextDocument(builder);
  if (!builder.has_root()) {
    // An empty document: a null root without a place (YAML::Load's Node()).
    doc.items_.assign(1, Item{});
    doc.items_[0].pos = doc.items_[0].line = doc.items_[0].column = -1;
  }
  // Otherwise the root is item 0: the document's first event made it.
  doc.tree_ = {doc.items_, doc.children_, doc.text_};
  return doc;
}

YAML::Mark Node::Mark() const {
  YAML::Mark m = YAML::Mark::null_mark();
  if (!IsDefined()) return m;
  m.pos = item().pos;
  m.line = item().line;
  m.column = item().column;
  return m;
}

std::size_t Node::size() const {
  if (IsMap()) return item().count / 2;
  if (IsSequence()) return item().count;
  return 0;
}

Node Node::operator[](std::string_view key) const {
  if (!IsMap()) return {};
  for (std::uint32_t i = 0; i + 1 < item().count; i += 2) {
    Node k = child(i);
    if (k.IsScalar() && k.scalar_view() == key) return child(i + 1);
  }
  return {};
}

Node::iterator Node::begin() const { return {*this, 0}; }
Node::iterator Node::end() const {
  const std::uint32_t n = IsMap() || IsSequence() ? item().count : 0;
  return {*this, IsMap() ? n - n % 2 : n};
}

Entry Node::iterator::operator*() const {
  Entry e;
  if (of_.IsMap()) {
    e.first = of_.child(at_);
    e.second = of_.child(at_ + 1);
  } else {
    static_cast<Node&>(e) = of_.child(at_);
  }
  return e;
}

}  // namespace sysgate::policy::yaml
