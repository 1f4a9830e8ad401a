// yr_initialize / yr_finalize once per process.
#include "artifacts/yara/library.hpp"

#include <stdexcept>
#include <string>

namespace sqltriage::yara {

namespace {

struct Library {
  Library() {
    const int rc = yr_initialize();
    if (rc != ERROR_SUCCESS)
      throw std::runtime_error("libyara could not initialise (error " + std::to_string(rc) + ")");
  }
  ~Library() { yr_finalize(); }
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

}  // namespace

std::shared_ptr<const void> library() {
  // A function-local static is initialised once even when threads race; holders (rule sets)
  // keep libyara alive past the static's own destruction at exit.
  static const std::shared_ptr<const Library> instance = std::make_shared<const Library>();
  return instance;
}

}  // namespace sqltriage::yara
