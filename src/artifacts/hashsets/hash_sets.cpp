// HashSets: reads each --hashes set once, detects its format and answers lookups.
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "artifacts/hashsets/set_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/hashsets.hpp"

namespace sqltriage::hashsets {

namespace {

struct LoadedSet {
  std::string name, path;
  Verdict verdict;
  std::filesystem::path identity;  // canonical path, to notice a set given twice
  std::unique_ptr<detail::SetSource> source;
};

bool is_sqlite(const std::filesystem::path& path, const std::string& display) {
  detail::TextFile f(path, display);
  static constexpr char kMagic[] = "SQLite format 3";  // and its NUL: 16 bytes
  for (char expected : std::string_view(kMagic, sizeof kMagic))
    if (f.get() != static_cast<unsigned char>(expected)) return false;
  return true;
}

}  // namespace

struct HashSets::Impl {
  std::vector<LoadedSet> sets;
  std::vector<Problem> notes;
};

HashSets::HashSets() : impl_(std::make_unique<Impl>()) {}
HashSets::~HashSets() = default;
HashSets::HashSets(HashSets&&) noexcept = default;
HashSets& HashSets::operator=(HashSets&&) noexcept = default;

void HashSets::add(const std::string& spec) {
  std::string path_text = spec;
  std::optional<Verdict> stated;
  if (spec.rfind("good:", 0) == 0) {
    stated = Verdict::known_good;
    path_text = spec.substr(5);
  } else if (spec.rfind("bad:", 0) == 0) {
    stated = Verdict::known_bad;
    path_text = spec.substr(4);
  }
  if (path_text.empty()) throw std::invalid_argument("hash set \"" + spec + "\": no path");
  std::filesystem::path path(path_text);

  std::error_code ec;
  auto identity = std::filesystem::weakly_canonical(path, ec);
  if (ec) identity = std::filesystem::absolute(path, ec).lexically_normal();

  std::unique_ptr<detail::SetSource> source;
  bool nsrl = is_sqlite(path, path_text);
  Verdict verdict = stated.value_or(nsrl ? Verdict::known_good : Verdict::known_bad);
  for (const auto& s : impl_->sets) {
    if (s.identity != identity) continue;
    if (s.verdict != verdict)
      throw ArtifactError(path_text, "hash set given twice, as " +
                                         std::string(to_string(s.verdict)) + " and as " +
                                         std::string(to_string(verdict)));
    impl_->notes.push_back({s.path, "given twice; the second time is ignored"});
    return;
  }

  if (nsrl) {
    source = detail::open_nsrl(path, path_text);
  } else {
    detail::TextFile f(path, path_text);
    if (auto layout = detail::detect_csv(f))
      source = detail::open_csv(path, path_text, std::move(*layout));
    else
      source = detail::open_list(path, path_text);
  }
  LoadedSet set{path.filename().string(), path_text, verdict, identity, std::move(source)};
  impl_->sets.push_back(std::move(set));
}

std::vector<Hit> HashSets::lookup(const pe::Hashes& hashes) const {
  std::vector<Hit> hits;
  for (const auto& s : impl_->sets) {
    auto m = s.source->find(hashes);
    if (!m) continue;
    Hit h;
    h.set = s.name;
    h.set_path = s.path;
    h.format = std::string(s.source->format());
    h.verdict = s.verdict;
    h.algorithm = std::string(detail::algorithm_name(m->algorithm));
    h.entry = std::move(m->entry);
    hits.push_back(std::move(h));
  }
  return hits;
}

std::vector<Problem> HashSets::problems() const {
  std::vector<Problem> out;
  for (const auto& s : impl_->sets)
    for (const auto& note : s.source->notes()) out.push_back({s.path, note});
  out.insert(out.end(), impl_->notes.begin(), impl_->notes.end());
  return out;
}

bool HashSets::empty() const { return impl_->sets.empty(); }

}  // namespace sqltriage::hashsets
