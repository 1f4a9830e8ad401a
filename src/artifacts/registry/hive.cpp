// libregf behind Hive, Key and Value (see hive.hpp).
#include "artifacts/registry/hive.hpp"

#include <climits>
#include <utility>

#include "artifacts/libyal/bfio_source.hpp"
#include "artifacts/registry/libregf_handles.hpp"
#include "artifacts/registry/list_guard.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::registry {

/// What every key and value of a hive shares: the open file (closed before its libbfio
/// handle is freed, hence the member order) and the hive's name.
struct HiveState {
  std::string display_path;
  std::uint64_t size = 0;           ///< bytes of the hive file
  std::vector<ErrorEntry> repairs;  ///< subkey lists hidden from libregf (list_guard.hpp)
  libyal::BfioHandle bfio;
  RegfFileHandle file;
};

namespace {

[[noreturn]] void fail(const HiveState& hive, const std::string& what, const RegfError& error) {
  auto offset = error.reported_offset();
  // libregf's cell lookups report cell offsets, which count from the first hive bin (file
  // offset 4096); its other messages give file offsets. Errors name file offsets.
  if (offset && error.root_cause().find("get_cell_at_offset") != std::string::npos)
    *offset += 0x1000;
  // An offset libregf reports past the end of the file is relative to something else; the
  // message keeps it, the offset field names only places in the file.
  if (offset && *offset > hive.size) offset.reset();
  throw ArtifactError(hive.display_path, what + ": " + error.root_cause(), offset);
}

std::string join(const std::string& parent, std::string_view child) {
  return parent.empty() ? std::string(child) : parent + "\\" + std::string(child);
}

}  // namespace

// ---- Value ----

struct Value::Impl {
  std::shared_ptr<HiveState> hive;
  std::string key_path;
  RegfValueHandle handle;

  std::string where() const { return "value of key \"" + key_path + "\""; }
};

Value::Value(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Value::~Value() = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(Value&&) noexcept = default;

std::string Value::name() const {
  RegfError error;
  std::size_t size = 0;
  if (libregf_value_get_utf8_name_size(impl_->handle.get(), &size, error.out()) != 1)
    fail(*impl_->hive, "cannot read the name of a " + impl_->where(), error);
  if (size <= 1) return {};
  std::string name(size, '\0');
  if (libregf_value_get_utf8_name(impl_->handle.get(), reinterpret_cast<std::uint8_t*>(name.data()),
                                  name.size(), error.out()) != 1)
    fail(*impl_->hive, "cannot read the name of a " + impl_->where(), error);
  name.resize(name.find('\0') == std::string::npos ? name.size() : name.find('\0'));
  return name;
}

std::uint32_t Value::type() const {
  RegfError error;
  std::uint32_t type = 0;
  if (libregf_value_get_value_type(impl_->handle.get(), &type, error.out()) != 1)
    fail(*impl_->hive, "cannot read the type of a " + impl_->where(), error);
  return type;
}

std::optional<std::string> Value::string() const {
  const std::uint32_t t = type();
  if (t != LIBREGF_VALUE_TYPE_STRING && t != LIBREGF_VALUE_TYPE_EXPANDABLE_STRING)
    return std::nullopt;
  RegfError error;
  std::size_t size = 0;
  if (libregf_value_get_value_utf8_string_size(impl_->handle.get(), &size, error.out()) != 1)
    fail(*impl_->hive, "cannot read the string of a " + impl_->where(), error);
  if (size <= 1) return std::string();
  std::string text(size, '\0');
  if (libregf_value_get_value_utf8_string(impl_->handle.get(),
                                          reinterpret_cast<std::uint8_t*>(text.data()), text.size(),
                                          error.out()) != 1)
    fail(*impl_->hive, "cannot read the string of a " + impl_->where(), error);
  text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
  return text;
}

std::optional<std::uint32_t> Value::dword() const {
  const std::uint32_t t = type();
  if (t != LIBREGF_VALUE_TYPE_INTEGER_32BIT_LITTLE_ENDIAN &&
      t != LIBREGF_VALUE_TYPE_INTEGER_32BIT_BIG_ENDIAN)
    return std::nullopt;
  RegfError error;
  std::uint32_t v = 0;
  if (libregf_value_get_value_32bit(impl_->handle.get(), &v, error.out()) != 1)
    fail(*impl_->hive, "cannot read the number of a " + impl_->where(), error);
  return v;
}

std::vector<std::uint8_t> Value::data(std::size_t limit) const {
  RegfError error;
  std::size_t size = 0;
  if (libregf_value_get_value_data_size(impl_->handle.get(), &size, error.out()) != 1)
    fail(*impl_->hive, "cannot read the data of a " + impl_->where(), error);
  if (size > limit)
    throw ArtifactError(impl_->hive->display_path,
                        "the data of a " + impl_->where() + " is " + std::to_string(size) +
                            " bytes, over the limit of " + std::to_string(limit));
  std::vector<std::uint8_t> bytes(size);
  if (size > 0 &&
      libregf_value_get_value_data(impl_->handle.get(), bytes.data(), size, error.out()) != 1)
    fail(*impl_->hive, "cannot read the data of a " + impl_->where(), error);
  return bytes;
}

std::optional<std::uint64_t> Value::offset() const {
  RegfError error;
  off64_t offset = 0;
  if (libregf_value_get_offset(impl_->handle.get(), &offset, error.out()) != 1 || offset < 0)
    return std::nullopt;
  return static_cast<std::uint64_t>(offset);
}

// ---- Key ----

struct Key::Impl {
  std::shared_ptr<HiveState> hive;
  std::string path;
  RegfKeyHandle handle;

  std::string where() const { return "key \"" + path + "\""; }
};

Key::Key(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Key::~Key() = default;
Key::Key(Key&&) noexcept = default;
Key& Key::operator=(Key&&) noexcept = default;

const std::string& Key::path() const { return impl_->path; }

std::string Key::name() const {
  RegfError error;
  std::size_t size = 0;
  if (libregf_key_get_utf8_name_size(impl_->handle.get(), &size, error.out()) != 1)
    fail(*impl_->hive, "cannot read the name of " + impl_->where(), error);
  if (size <= 1) return {};
  std::string name(size, '\0');
  if (libregf_key_get_utf8_name(impl_->handle.get(), reinterpret_cast<std::uint8_t*>(name.data()),
                                name.size(), error.out()) != 1)
    fail(*impl_->hive, "cannot read the name of " + impl_->where(), error);
  name.resize(name.find('\0') == std::string::npos ? name.size() : name.find('\0'));
  return name;
}

std::optional<Filetime> Key::last_written() const {
  RegfError error;
  std::uint64_t ft = 0;
  if (libregf_key_get_last_written_time(impl_->handle.get(), &ft, error.out()) != 1)
    return std::nullopt;
  return ft;
}

std::optional<std::uint64_t> Key::offset() const {
  RegfError error;
  off64_t offset = 0;
  if (libregf_key_get_offset(impl_->handle.get(), &offset, error.out()) != 1 || offset < 0)
    return std::nullopt;
  return static_cast<std::uint64_t>(offset);
}

const std::string& Key::hive_path() const { return impl_->hive->display_path; }

std::size_t Key::number_of_subkeys() const {
  RegfError error;
  int n = 0;
  if (libregf_key_get_number_of_sub_keys(impl_->handle.get(), &n, error.out()) != 1 || n < 0)
    fail(*impl_->hive, "cannot read the subkeys of " + impl_->where(), error);
  return static_cast<std::size_t>(n);
}

Key Key::subkey(std::size_t index) const {
  RegfError error;
  libregf_key_t* raw = nullptr;
  if (index > INT_MAX ||
      libregf_key_get_sub_key(impl_->handle.get(), static_cast<int>(index), &raw, error.out()) != 1)
    fail(*impl_->hive, "cannot read subkey " + std::to_string(index) + " of " + impl_->where(),
         error);
  auto impl = std::make_unique<Impl>();
  impl->hive = impl_->hive;
  impl->handle.reset(raw);
  Key k(std::move(impl));
  k.impl_->path = join(impl_->path, k.name());
  return k;
}

std::optional<Key> Key::subkey(std::string_view relative_path) const {
  RegfError error;
  libregf_key_t* raw = nullptr;
  const int got = libregf_key_get_sub_key_by_utf8_path(
      impl_->handle.get(), reinterpret_cast<const std::uint8_t*>(relative_path.data()),
      relative_path.size(), &raw, error.out());
  if (got == -1)
    fail(*impl_->hive, "cannot read \"" + std::string(relative_path) + "\" below " + impl_->where(),
         error);
  if (got == 0) return std::nullopt;
  auto impl = std::make_unique<Impl>();
  impl->hive = impl_->hive;
  impl->path = join(impl_->path, relative_path);
  impl->handle.reset(raw);
  return Key(std::move(impl));
}

std::size_t Key::number_of_values() const {
  RegfError error;
  int n = 0;
  if (libregf_key_get_number_of_values(impl_->handle.get(), &n, error.out()) != 1 || n < 0)
    fail(*impl_->hive, "cannot read the values of " + impl_->where(), error);
  return static_cast<std::size_t>(n);
}

Value Key::value(std::size_t index) const {
  RegfError error;
  libregf_value_t* raw = nullptr;
  if (index > INT_MAX ||
      libregf_key_get_value(impl_->handle.get(), static_cast<int>(index), &raw, error.out()) != 1)
    fail(*impl_->hive, "cannot read value " + std::to_string(index) + " of " + impl_->where(),
         error);
  auto impl = std::make_unique<Value::Impl>();
  impl->hive = impl_->hive;
  impl->key_path = impl_->path;
  impl->handle.reset(raw);
  return Value(std::move(impl));
}

std::optional<Value> Key::value(std::string_view name) const {
  if (name.empty()) {
    // The default value has no name; look for it among the values.
    const std::size_t n = number_of_values();
    for (std::size_t i = 0; i < n; ++i) {
      Value v = value(i);
      if (v.name().empty()) return v;
    }
    return std::nullopt;
  }
  RegfError error;
  libregf_value_t* raw = nullptr;
  const int got = libregf_key_get_value_by_utf8_name(
      impl_->handle.get(), reinterpret_cast<const std::uint8_t*>(name.data()), name.size(), &raw,
      error.out());
  if (got == -1)
    fail(*impl_->hive, "cannot read value \"" + std::string(name) + "\" of " + impl_->where(),
         error);
  if (got == 0) return std::nullopt;
  auto impl = std::make_unique<Value::Impl>();
  impl->hive = impl_->hive;
  impl->key_path = impl_->path;
  impl->handle.reset(raw);
  return Value(std::move(impl));
}

// ---- Hive ----

namespace {

/// The checks libregf would fail on anyway, made before it runs: libregf 20201007 leaks a key
/// item each time reading a root key fails. Empty when the layout looks sound.
std::string check_layout(const ByteSource& source) {
  std::uint8_t head[0x30] = {};
  std::uint8_t bin[4] = {};
  std::size_t got = 0;
  try {
    got = source.read_at(0, head, sizeof head);
    if (got == sizeof head && source.size() >= 0x1000 + sizeof bin)
      got += source.read_at(0x1000, bin, sizeof bin);
  } catch (const std::exception& e) {
    return std::string("cannot be read: ") + e.what();
  }
  if (got < sizeof head || std::string_view(reinterpret_cast<char*>(head), 4) != "regf")
    return "not a registry hive (no \"regf\" signature at offset 0)";
  if (got < sizeof head + sizeof bin || std::string_view(reinterpret_cast<char*>(bin), 4) != "hbin")
    return "no hive bin at offset 4096 (truncated or damaged hive)";
  const std::uint64_t root = static_cast<std::uint64_t>(head[0x24]) | head[0x25] << 8 |
                             head[0x26] << 16 | static_cast<std::uint64_t>(head[0x27]) << 24;
  if (0x1000 + root + 4 > source.size())
    return "root key cell offset " + std::to_string(root) + " lies past the end of the " +
           std::to_string(source.size()) + "-byte file";
  return {};
}

}  // namespace

Hive Hive::open(std::shared_ptr<const ByteSource> source, std::string display_path) {
  auto state = std::make_shared<HiveState>();
  state->display_path = std::move(display_path);
  if (!source) throw ArtifactError(state->display_path, "no bytes to read");
  if (const std::string problem = check_layout(*source); !problem.empty())
    throw ArtifactError(state->display_path, problem, 0);
  state->size = source->size();
  try {
    GuardedHive guarded = guard_subkey_lists(std::move(source));
    source = std::move(guarded.bytes);
    for (auto& r : guarded.repairs)
      state->repairs.push_back(make_error(state->display_path, "record", r.message, r.offset));
  } catch (const std::exception& e) {
    throw ArtifactError(state->display_path, std::string("cannot be read: ") + e.what());
  }
  try {
    state->bfio = libyal::make_bfio_handle(std::move(source));
  } catch (const std::exception& e) {
    throw ArtifactError(state->display_path, e.what());
  }
  RegfError error;
  libregf_file_t* raw = nullptr;
  if (libregf_file_initialize(&raw, error.out()) != 1)
    fail(*state, "cannot create a libregf file", error);
  RegfFileHandle file(raw);
  if (libregf_file_open_file_io_handle(file.get(), state->bfio.get(), LIBREGF_OPEN_READ,
                                       error.out()) != 1) {
    // Not opened: free without closing.
    libregf_file_t* unopened = file.release();
    libregf_file_free(&unopened, nullptr);
    fail(*state, "not a readable registry hive", error);
  }
  // libregf opens a base block without hive bins; a hive whose root key cannot be read is
  // not readable at all.
  libregf_key_t* root = nullptr;
  if (libregf_file_get_root_key(file.get(), &root, error.out()) != 1)
    fail(*state, "not a readable registry hive: its root key cannot be read", error);
  const RegfKeyHandle root_key(root);  // only checked, then freed
  state->file = std::move(file);
  Hive hive;
  hive.state_ = std::move(state);
  return hive;
}

Hive::~Hive() = default;
Hive::Hive(Hive&&) noexcept = default;
Hive& Hive::operator=(Hive&&) noexcept = default;

const std::string& Hive::display_path() const { return state_->display_path; }

const std::vector<ErrorEntry>& Hive::repairs() const { return state_->repairs; }

Key Hive::root() const {
  RegfError error;
  libregf_key_t* raw = nullptr;
  if (libregf_file_get_root_key(state_->file.get(), &raw, error.out()) != 1)
    fail(*state_, "cannot read the root key", error);
  auto impl = std::make_unique<Key::Impl>();
  impl->hive = state_;
  impl->handle.reset(raw);
  return Key(std::move(impl));
}

std::optional<Key> Hive::key(std::string_view path) const {
  RegfError error;
  libregf_key_t* raw = nullptr;
  const int got = libregf_file_get_key_by_utf8_path(
      state_->file.get(), reinterpret_cast<const std::uint8_t*>(path.data()), path.size(), &raw,
      error.out());
  if (got == -1) fail(*state_, "cannot read key \"" + std::string(path) + "\"", error);
  if (got == 0) return std::nullopt;
  auto impl = std::make_unique<Key::Impl>();
  impl->hive = state_;
  impl->path = std::string(path);
  impl->handle.reset(raw);
  return Key(std::move(impl));
}

}  // namespace sqltriage::registry
