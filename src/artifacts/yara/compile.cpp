// libyara compiler: one namespace per source, messages collected through its callback.
#include "artifacts/yara/compile.hpp"

#include <cstdio>
#include <stdexcept>

namespace sqltriage::yara {

namespace {

struct Messages {
  const std::string* current = nullptr;  // the source being added
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

void on_message(int level, const char* file_name, int line, const YR_RULE* /*rule*/,
                const char* message, void* user_data) {
  auto* m = static_cast<Messages*>(user_data);
  // libyara names the file only for yr_compiler_add_file (and for included files); a string
  // source gets its name from the source being added.
  std::string where = file_name != nullptr    ? std::string(file_name)
                      : m->current != nullptr ? *m->current
                                              : std::string("<rules>");
  std::string text = where + ":" + std::to_string(line) + ": " + (message ? message : "");
  (level == YARA_ERROR_LEVEL_WARNING ? m->warnings : m->errors).push_back(std::move(text));
}

struct FileFree {
  void operator()(FILE* f) const { std::fclose(f); }
};

CompilerPtr new_compiler(Messages& messages) {
  YR_COMPILER* raw = nullptr;
  const int rc = yr_compiler_create(&raw);
  if (rc != ERROR_SUCCESS)
    throw std::runtime_error("libyara could not create a compiler (error " + std::to_string(rc) +
                             ")");
  CompilerPtr compiler(raw);
  yr_compiler_set_callback(compiler.get(), on_message, &messages);
  return compiler;
}

// Adds one source; returns libyara's error count for it.
int add_source(YR_COMPILER* compiler, Messages& messages, const SourceInput& input) {
  const std::string& ns = input.ns;
  messages.current = &input.source.name;
  const auto errors_before = messages.errors.size();
  int failed = 0;
  if (input.host_file && !input.source.text.empty()) {
    // The bytes already read (and hashed for the cache), under the file's own name, so
    // libyara resolves a relative include next to the file.
    std::unique_ptr<FILE, FileFree> file(
        fmemopen(const_cast<char*>(input.source.text.data()), input.source.text.size(), "r"));
    if (!file) throw std::runtime_error("fmemopen failed for " + input.source.name);
    failed = yr_compiler_add_file(compiler, file.get(), ns.c_str(), input.source.name.c_str());
  } else {
    failed = yr_compiler_add_string(compiler, input.source.text.c_str(), ns.c_str());
  }
  messages.current = nullptr;
  if (failed > 0 && messages.errors.size() == errors_before)
    messages.errors.push_back(input.source.name + ":0: " + std::to_string(failed) +
                              " error(s) without a message from libyara");
  return failed;
}

[[noreturn]] void throw_errors(const std::vector<std::string>& errors) {
  std::string what;
  for (const auto& e : errors) {
    if (!what.empty()) what += '\n';
    what += e;
  }
  throw RuleError(what);
}

}  // namespace

Compiled compile_sources(const std::vector<SourceInput>& sources) {
  const auto keep_alive = library();
  Messages messages;
  CompilerPtr compiler = new_compiler(messages);
  std::size_t i = 0;
  for (; i < sources.size(); ++i)
    if (add_source(compiler.get(), messages, sources[i]) > 0) break;
  if (i < sources.size()) {
    // A compiler that reported an error accepts no more sources: check the rest one by one.
    for (++i; i < sources.size(); ++i) {
      Messages alone;
      CompilerPtr checker = new_compiler(alone);
      add_source(checker.get(), alone, sources[i]);
      messages.errors.insert(messages.errors.end(), alone.errors.begin(), alone.errors.end());
    }
    throw_errors(messages.errors);
  }
  YR_RULES* raw = nullptr;
  const int rc = yr_compiler_get_rules(compiler.get(), &raw);
  if (rc != ERROR_SUCCESS)
    throw RuleError("the rules compiled but libyara could not build them (error " +
                    std::to_string(rc) + ")");
  return Compiled{RulesPtr(raw), std::move(messages.warnings)};
}

}  // namespace sqltriage::yara
