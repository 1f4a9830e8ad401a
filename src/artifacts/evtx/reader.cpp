// evtx::Reader: libevtx behind a small typed API.
#include <array>
#include <cstring>
#include <fstream>
#include <string_view>
#include <system_error>
#include <vector>

#include "artifacts/evtx/libevtx_handles.hpp"
#include "artifacts/libyal/bfio_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/evtx.hpp"

namespace sqltriage::evtx {

namespace {

// Why bytes libevtx refused are not EVTX, from the first of them.
std::string describe_unopenable(const ByteSource& src) {
  std::array<char, 8> head{};
  std::size_t n = 0;
  try {
    n = src.read_at(0, head.data(), head.size());
  } catch (const std::exception& e) {
    return std::string("cannot be read: ") + e.what();
  }
  if (n == 0) return "is empty, not an EVTX file";
  std::string_view sig(head.data(), n);
  if (n >= 8 && sig.substr(4, 4) == "LfLe")
    return "is a legacy Windows NT Event Log (.evt), not EVTX; it is not read";
  if (n < 8 || sig != std::string_view("ElfFile\0", 8))
    return "is not an EVTX file (no ElfFile signature)";
  return "is not a readable EVTX file";
}

}  // namespace

struct Reader::Impl {
  std::string display_path;
  libyal::BfioHandle bfio;  // declared before `file`: libevtx reads through it until closed
  FileHandle file;
  int records = 0;
  int recovered = 0;
  std::vector<std::uint8_t> text;  // reused buffer for strings from libevtx

  [[noreturn]] void fail(const std::string& what, const LibevtxError& err,
                         std::optional<std::uint64_t> offset = std::nullopt) const {
    if (!offset) offset = err.reported_offset();
    throw ArtifactError(display_path, what + ": " + err.root_cause(), offset);
  }

  // Two-step libevtx string fetch into `text`; returns false when not available.
  template <typename SizeFn, typename GetFn>
  bool fetch(SizeFn size_fn, GetFn get_fn, libevtx_record_t* rec, LibevtxError& err) {
    std::size_t size = 0;
    if (size_fn(rec, &size, err.out()) != 1 || size == 0) return false;
    text.resize(size);
    if (get_fn(rec, text.data(), size, err.out()) != 1) return false;
    return true;
  }
  // The record's XML into `text`. libevtx computes a rendering's size by rendering it, so
  // asking for the size first doubles the work: render into a buffer large enough for any
  // ordinary record and ask for the size only when it is not.
  bool render_xml(libevtx_record_t* rec, LibevtxError& err) {
    if (xml.empty()) xml.resize(256 * 1024);  // kept at its largest size: never re-zeroed
    if (libevtx_record_get_utf8_xml_string(rec, xml.data(), xml.size(), err.out()) != 1) {
      std::size_t size = 0;
      if (libevtx_record_get_utf8_xml_string_size(rec, &size, err.out()) != 1 || size == 0)
        return false;
      if (size > xml.size()) xml.resize(size);
      if (libevtx_record_get_utf8_xml_string(rec, xml.data(), xml.size(), err.out()) != 1)
        return false;
    }
    const auto* nul = static_cast<const std::uint8_t*>(std::memchr(xml.data(), 0, xml.size()));
    xml_length = nul != nullptr ? static_cast<std::size_t>(nul - xml.data()) : xml.size();
    return true;
  }

  std::vector<std::uint8_t> xml;  // the last record's XML rendering
  std::size_t xml_length = 0;

  std::string_view xml_view() const {
    return {reinterpret_cast<const char*>(xml.data()), xml_length};
  }

  std::string_view text_view() const {
    // libevtx sizes include the terminating NUL.
    std::size_t n = text.empty() ? 0 : text.size() - 1;
    while (n > 0 && text[n - 1] == 0) --n;
    return {reinterpret_cast<const char*>(text.data()), n};
  }
};

Reader::Reader(const std::filesystem::path& host_path, std::string display_path)
    : Reader(open_artifact(ArtifactFile{display_path, host_path, {}}), display_path) {}

Reader::Reader(std::shared_ptr<const ByteSource> source, std::string display_path)
    : impl_(std::make_unique<Impl>()) {
  impl_->display_path = std::move(display_path);
  LibevtxError err;
  try {
    impl_->bfio = libyal::make_bfio_handle(source);
  } catch (const std::exception& e) {
    throw ArtifactError(impl_->display_path, e.what());
  }
  libevtx_file_t* raw = nullptr;
  if (libevtx_file_initialize(&raw, err.out()) != 1) impl_->fail("cannot initialise libevtx", err);
  if (libevtx_file_open_file_io_handle(raw, impl_->bfio.get(), LIBEVTX_OPEN_READ, err.out()) != 1) {
    // A file that failed to open must not be closed, only freed.
    libevtx_file_free(&raw, nullptr);
    impl_->fail(describe_unopenable(*source), err, 0);
  }
  impl_->file.reset(raw);
  if (libevtx_file_get_number_of_records(raw, &impl_->records, err.out()) != 1)
    impl_->fail("cannot count records", err);
  if (libevtx_file_get_number_of_recovered_records(raw, &impl_->recovered, err.out()) != 1)
    impl_->recovered = 0;
}

Reader::~Reader() = default;

std::size_t Reader::record_count() const { return static_cast<std::size_t>(impl_->records); }
std::size_t Reader::recovered_count() const { return static_cast<std::size_t>(impl_->recovered); }

std::optional<Event> Reader::read(std::size_t index, bool recovered, const Prefilter& keep) {
  LibevtxError err;
  libevtx_record_t* raw = nullptr;
  const int idx = static_cast<int>(index);
  const int rc =
      recovered
          ? libevtx_file_get_recovered_record_by_index(impl_->file.get(), idx, &raw, err.out())
          : libevtx_file_get_record_by_index(impl_->file.get(), idx, &raw, err.out());
  const std::string which =
      std::string(recovered ? "recovered record index " : "record index ") + std::to_string(index);
  if (rc != 1 || raw == nullptr) impl_->fail(which, err);
  RecordHandle rec(raw);

  std::optional<std::uint64_t> known_offset;
  {
    off64_t off = 0;
    // libevtx 20181227 answers 0 when it does not know; no record starts at 0 (file header).
    if (libevtx_record_get_offset(raw, &off, err.out()) == 1 && off > 0) {
      known_offset = static_cast<std::uint64_t>(off);
    }
  }
  std::uint32_t event_id = 0;
  if (libevtx_record_get_event_identifier(raw, &event_id, err.out()) != 1)
    impl_->fail(which + ": cannot read EventID", err, known_offset);
  std::uint64_t written = 0;
  if (libevtx_record_get_written_time(raw, &written, err.out()) != 1) written = 0;

  std::string provider;
  if (impl_->fetch(libevtx_record_get_utf8_source_name_size, libevtx_record_get_utf8_source_name,
                   raw, err))
    provider = std::string(impl_->text_view());

  if (keep && !keep(static_cast<std::uint16_t>(event_id), provider, written)) return std::nullopt;

  if (!impl_->render_xml(raw, err))
    impl_->fail(which + ": cannot render the record's XML", err, known_offset);

  Event e;
  e.offset = known_offset;
  e.recovered = recovered;
  e.time_created = written;
  try {
    parse_event_xml(impl_->xml_view(), e);
  } catch (const std::exception& ex) {
    throw ArtifactError(impl_->display_path, which + ": " + ex.what(), known_offset);
  }
  // The record header is authoritative where the XML lacks a value.
  e.event_id = static_cast<std::uint16_t>(event_id);
  if (e.provider.empty()) e.provider = provider;
  if (e.record_id == 0) {
    std::uint64_t id = 0;
    if (libevtx_record_get_identifier(raw, &id, err.out()) == 1) e.record_id = id;
  }
  return e;
}

const std::string* find_field(const Event& e, std::string_view name) {
  for (const auto& [k, v] : e.fields)
    if (k == name) return &v;
  return nullptr;
}

}  // namespace sqltriage::evtx
