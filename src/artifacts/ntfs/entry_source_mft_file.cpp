// mft::EntrySource over a collected $MFT file (no volume: non-resident data is absent).
#include <array>
#include <cstring>

#include "artifacts/ntfs/entry_reader.hpp"
#include "artifacts/ntfs/entry_record.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/mft.hpp"

namespace sqltriage::mft {

namespace {

constexpr std::uint32_t kMinRecordSize = 512;
constexpr std::uint32_t kMaxRecordSize = 65536;

class MftFileSource final : public EntrySource {
 public:
  MftFileSource(std::shared_ptr<const ByteSource> mft, std::uint32_t record_size,
                std::string display)
      : reader_(std::move(mft), record_size, std::move(display), nullptr) {}

  const std::string& display() const override { return reader_.store().display(); }
  std::uint64_t size() const override { return reader_.store().count(); }
  bool read(std::uint64_t index, Entry& out) const override { return reader_.read(index, out); }

  std::optional<std::string> read_stream(std::uint64_t index, std::string_view name,
                                         std::size_t max_bytes) const override {
    try {
      auto found = reader_.find_stream(index, name, max_bytes);
      if (!found.found || !found.resident) return std::nullopt;
      return std::move(found.bytes);
    } catch (const ArtifactError&) {
      return std::nullopt;
    }
  }

  std::shared_ptr<ntfs::Volume> volume() const override { return nullptr; }

 private:
  ntfs::EntryReader reader_;
};

}  // namespace

std::unique_ptr<EntrySource> EntrySource::from_mft_file(std::shared_ptr<const ByteSource> mft,
                                                        std::string display) {
  std::array<std::uint8_t, 0x20> head{};
  std::size_t got = 0;
  try {
    got = mft->read_at(0, head.data(), head.size());
  } catch (const std::exception& e) {
    throw ArtifactError(display, std::string("cannot be read: ") + e.what(), 0);
  }
  if (got < 4 || std::memcmp(head.data(), "FILE", 4) != 0)
    throw ArtifactError(display, "no FILE signature at offset 0: not an $MFT", 0);
  if (got < head.size())
    throw ArtifactError(display, "only " + std::to_string(got) + " bytes: not an $MFT", 0);
  const std::uint32_t record_size = le32(head.data() + 0x1C);
  if (record_size < kMinRecordSize || record_size > kMaxRecordSize ||
      (record_size & (record_size - 1)) != 0)
    throw ArtifactError(display,
                        "the first record gives a record size of " + std::to_string(record_size) +
                            " bytes (expected a power of two from 512 to 65536): not an $MFT",
                        0x1C);
  return std::make_unique<MftFileSource>(std::move(mft), record_size, std::move(display));
}

}  // namespace sqltriage::mft
