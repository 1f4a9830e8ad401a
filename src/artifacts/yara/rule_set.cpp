// RuleSet: sources gathered, the cache consulted, compiled rules shared by every scan.
#include <memory>
#include <stdexcept>

#include "artifacts/yara/cache.hpp"
#include "artifacts/yara/compile.hpp"
#include "artifacts/yara/scan.hpp"
#include "artifacts/yara/sources.hpp"

namespace sqltriage::yara {

struct RuleSet::Impl {
  std::shared_ptr<const void> library;  // declared first: outlives `rules`
  RulesPtr rules;
  std::vector<std::string> names;
  std::string key;
  bool from_cache = false;
  std::string cache_note;
  std::vector<std::string> warnings;
  std::size_t rule_count = 0;
};

namespace {

std::size_t count_rules(YR_RULES* rules) {
  std::size_t n = 0;
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(rules, rule) { ++n; }
  return n;
}

std::unique_ptr<RuleSet::Impl> start(const std::vector<SourceInput>& sources) {
  auto impl = std::make_unique<RuleSet::Impl>();
  impl->library = library();
  for (const auto& s : sources) impl->names.push_back(s.source.name);
  impl->key = cache_key(sources);
  return impl;
}

void compile_into(RuleSet::Impl& impl, const std::vector<SourceInput>& sources) {
  Compiled compiled = compile_sources(sources);
  impl.rules = std::move(compiled.rules);
  impl.warnings = std::move(compiled.warnings);
}

}  // namespace

RuleSet::RuleSet(Key /*only RuleSet makes one*/, std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {
  impl_->rule_count = count_rules(impl_->rules.get());
}

RuleSet::~RuleSet() = default;

std::shared_ptr<const RuleSet> RuleSet::compile(const std::vector<RuleSource>& sources) {
  std::vector<SourceInput> inputs;
  for (const auto& s : sources) inputs.push_back(SourceInput{s, false, {}});
  assign_namespaces(inputs);
  auto impl = start(inputs);
  compile_into(*impl, inputs);
  return std::make_shared<const RuleSet>(Key{}, std::move(impl));
}

std::shared_ptr<const RuleSet> RuleSet::load(const RuleSetOptions& options) {
  auto finish = [](std::unique_ptr<Impl> impl, const std::vector<std::string>& notes) {
    impl->warnings.insert(impl->warnings.begin(), notes.begin(), notes.end());
    return std::make_shared<const RuleSet>(Key{}, std::move(impl));
  };
  std::vector<std::string> notes;
  const std::vector<SourceInput> sources = gather_sources(options, notes);
  if (sources.empty())
    throw std::invalid_argument(options.builtin
                                    ? "no rules: sqltriage was built without bundled rules"
                                    : "no rules: --rules-only needs --rules");
  auto impl = start(sources);
  if (!options.cache_dir) {
    compile_into(*impl, sources);
    return finish(std::move(impl), notes);
  }
  if (uses_include(sources)) {
    impl->cache_note = "not cached: the rules use include, and included files are not keyed";
    compile_into(*impl, sources);
    return finish(std::move(impl), notes);
  }
  const auto file = *options.cache_dir / (impl->key + ".yarc");
  std::string load_note;
  impl->rules = load_cached(file, impl->key, load_note);
  if (impl->rules) {
    impl->from_cache = true;
    return finish(std::move(impl), notes);
  }
  compile_into(*impl, sources);
  const std::string save_note = save_cached(impl->rules.get(), file, impl->key);
  if (!load_note.empty())
    impl->cache_note = load_note + (save_note.empty() ? "; compiled and rewritten" : "; compiled");
  if (!save_note.empty()) impl->cache_note += (impl->cache_note.empty() ? "" : "; ") + save_note;
  return finish(std::move(impl), notes);
}

ScanResult RuleSet::scan(const std::uint8_t* data, std::size_t size, int timeout_s) const {
  return scan_buffer(impl_->rules.get(), data, size, timeout_s);
}

std::size_t RuleSet::rule_count() const { return impl_->rule_count; }
const std::vector<std::string>& RuleSet::source_names() const { return impl_->names; }
const std::string& RuleSet::key() const { return impl_->key; }
bool RuleSet::from_cache() const { return impl_->from_cache; }
const std::string& RuleSet::cache_note() const { return impl_->cache_note; }
const std::vector<std::string>& RuleSet::warnings() const { return impl_->warnings; }

}  // namespace sqltriage::yara
