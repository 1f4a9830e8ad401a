// RecordStore and EntryReader (see entry_reader.hpp).
#include "artifacts/ntfs/entry_reader.hpp"

#include <algorithm>
#include <cstring>
#include <exception>

#include "artifacts/ntfs/entry_facts.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/utf16.hpp"

namespace sqltriage::ntfs {

namespace {

constexpr std::uint64_t kChunkBytes = 128 * 1024;
constexpr std::uint64_t kEntryMask = 0x0000FFFFFFFFFFFFULL;
constexpr std::size_t kMaxExtensionRecords = 1024;

void clear_entry(mft::Entry& e) {
  e.entry = 0;
  e.sequence = 0;
  e.in_use = false;
  e.is_directory = false;
  e.base_reference = 0;
  e.standard_information.reset();
  e.file_attributes = 0;
  e.security_id.reset();
  e.owner_id.reset();
  e.usn.reset();
  e.file_names.clear();
  e.size = 0;
  e.allocated_size = 0;
  e.data_attribute_id.reset();
  e.data_resident = false;
  e.streams.clear();
  e.index_roots.clear();
  e.inline_security_descriptor.clear();
  e.problems.clear();
}

bool ascii_iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

RecordStore::RecordStore(std::shared_ptr<const ByteSource> mft, std::uint32_t record_size,
                         std::string display)
    : mft_(std::move(mft)), record_size_(record_size), display_(std::move(display)) {
  const std::uint64_t size = mft_->size();
  count_ = size / record_size_ + (size % record_size_ != 0 ? 1 : 0);
  records_per_chunk_ = std::max<std::uint64_t>(1, kChunkBytes / record_size_);
}

void RecordStore::read(std::uint64_t index, std::vector<std::uint8_t>& out) const {
  if (index >= count_)
    throw ArtifactError(display_,
                        "MFT entry " + std::to_string(index) + " is past the end of the $MFT (" +
                            std::to_string(count_) + " entries)",
                        std::nullopt);
  std::lock_guard<std::mutex> lock(mutex_);
  ++clock_;
  Chunk* hit = nullptr;
  for (auto& c : chunks_)
    if (index >= c.first && index < c.first + c.records) hit = &c;
  if (hit == nullptr) {
    Chunk* victim = &chunks_[0];
    for (auto& c : chunks_)
      if (c.last_use < victim->last_use) victim = &c;
    const std::uint64_t first = index - index % records_per_chunk_;
    const std::uint64_t want = std::min(records_per_chunk_, count_ - first) * record_size_;
    victim->first = UINT64_MAX;
    victim->records = 0;
    victim->bytes.resize(want);
    std::size_t got = 0;
    try {
      while (got < want) {
        const std::size_t n = mft_->read_at(first * record_size_ + got, victim->bytes.data() + got,
                                            static_cast<std::size_t>(want - got));
        if (n == 0) break;
        got += n;
      }
    } catch (const std::exception& ex) {
      throw ArtifactError(display_,
                          "MFT entry " + std::to_string(index) + ": read failed: " + ex.what(),
                          offset_of(index));
    }
    victim->first = first;
    victim->records = got / record_size_;
    hit = victim;
    if (index >= first + victim->records) {
      const std::uint64_t present =
          got > (index - first) * record_size_ ? got - (index - first) * record_size_ : 0;
      throw ArtifactError(display_,
                          "MFT entry " + std::to_string(index) + " is truncated: the $MFT ends " +
                              std::to_string(present) + " bytes into this " +
                              std::to_string(record_size_) + "-byte record",
                          offset_of(index));
    }
  }
  hit->last_use = clock_;
  out.resize(record_size_);
  std::memcpy(out.data(), hit->bytes.data() + (index - hit->first) * record_size_, record_size_);
}

EntryReader::EntryReader(std::shared_ptr<const ByteSource> mft, std::uint32_t record_size,
                         std::string display, ListReader non_resident_lists)
    : store_(std::move(mft), record_size, std::move(display)),
      non_resident_lists_(std::move(non_resident_lists)) {}

template <typename Fn>
bool EntryReader::visit(std::uint64_t index, mft::Entry& e, Fn&& fn) const {
  thread_local std::vector<std::uint8_t> base;
  thread_local std::vector<std::uint8_t> extension;
  store_.read(index, base);
  record::Header header;
  std::optional<record::Damage> damage;
  if (record::prepare(base, header, damage) == record::Kind::kUnused) return false;
  auto fail = [&](const record::Damage& d) {
    throw ArtifactError(store_.display(),
                        "MFT entry " + std::to_string(index) + ": " + d.message + " (byte " +
                            hex_offset(d.offset) + " of the record)",
                        store_.offset_of(index));
  };
  if (damage) fail(*damage);

  e.entry = index;
  e.sequence = header.sequence;
  e.in_use = (header.flags & 0x0001) != 0;
  e.is_directory = (header.flags & 0x0002) != 0;
  e.base_reference = header.base_reference;
  // Formatted but never used records carry 0 there; only a record in use must name itself.
  if (e.in_use && header.stored_index && *header.stored_index != (index & 0xFFFFFFFFULL))
    e.problems.push_back("the record says it is MFT entry " + std::to_string(*header.stored_index));

  // A formatted record that never held a file has no attribute at all (libfsntfs calls
  // it "empty"; fls does not list it).
  if (header.first_attribute + 4u <= base.size() &&
      le32(base.data() + header.first_attribute) == 0xFFFFFFFFu) {
    clear_entry(e);
    return false;
  }

  AttributeListRefs list;
  record::AttributeWalker walker(base, header);
  record::Attribute a;
  while (walker.next(a)) {
    if (a.type == attribute_type::kAttributeList) {
      if (list.present) {
        e.problems.push_back("$ATTRIBUTE_LIST appears twice; the first one is used");
      } else {
        list.present = true;
        list.non_resident = !a.resident;
        if (a.resident) decode_attribute_list(a.value, e, list);
      }
    }
    fn(a, false);
  }
  if (walker.damage()) fail(*walker.damage());
  if (!list.present) return true;

  std::vector<std::uint64_t> refs;
  if (list.non_resident) {
    std::string why;
    auto got = non_resident_lists_ ? non_resident_lists_(index, why) : std::nullopt;
    if (!got) {
      e.problems.push_back("$ATTRIBUTE_LIST is non-resident and could not be read (" + why +
                           "); attributes in extension records are missing");
      return true;
    }
    refs = std::move(*got);
  } else {
    refs = std::move(list.references);
  }
  std::vector<std::uint64_t> seen;
  for (std::uint64_t ref : refs) {
    const std::uint64_t ext = ref & kEntryMask;
    const auto ext_sequence = static_cast<std::uint16_t>(ref >> 48);
    if (ext == index || std::find(seen.begin(), seen.end(), ext) != seen.end()) continue;
    if (seen.size() >= kMaxExtensionRecords) {
      e.problems.push_back("$ATTRIBUTE_LIST names more than " +
                           std::to_string(kMaxExtensionRecords) +
                           " extension records; the rest are ignored");
      break;
    }
    seen.push_back(ext);
    const std::string label = "extension record " + std::to_string(ext) + ": ";
    try {
      store_.read(ext, extension);
    } catch (const ArtifactError& err) {
      e.problems.push_back(label + err.detail());
      continue;
    }
    record::Header ext_header;
    std::optional<record::Damage> ext_damage;
    if (record::prepare(extension, ext_header, ext_damage) == record::Kind::kUnused) {
      e.problems.push_back(label + "named by $ATTRIBUTE_LIST but not a FILE record");
      continue;
    }
    if (ext_damage) {
      e.problems.push_back(label + ext_damage->message);
      continue;
    }
    if (ext_header.base_reference == 0) {
      e.problems.push_back(label + "named by $ATTRIBUTE_LIST but a base record, not an extension");
      continue;
    }
    if ((ext_header.base_reference & kEntryMask) != index) {
      e.problems.push_back(label + "named by $ATTRIBUTE_LIST but its base record is entry " +
                           std::to_string(ext_header.base_reference & kEntryMask));
      continue;
    }
    if (ext_sequence != 0 && ext_sequence != ext_header.sequence) {
      e.problems.push_back(label + "sequence " + std::to_string(ext_header.sequence) +
                           " differs from " + std::to_string(ext_sequence) +
                           " in $ATTRIBUTE_LIST (reused)");
      continue;
    }
    record::AttributeWalker ext_walker(extension, ext_header);
    while (ext_walker.next(a)) fn(a, true);
    if (ext_walker.damage()) e.problems.push_back(label + ext_walker.damage()->message);
  }
  return true;
}

bool EntryReader::read(std::uint64_t index, mft::Entry& out) const {
  clear_entry(out);
  const bool used = visit(index, out, [&](const record::Attribute& a, bool in_extension) {
    add_attribute(a, in_extension, out);
  });
  if (!used) clear_entry(out);
  return used;
}

StreamLookup EntryReader::find_stream(std::uint64_t index, std::string_view name,
                                      std::size_t max_bytes) const {
  StreamLookup exact;
  StreamLookup folded;
  mft::Entry scratch;
  visit(index, scratch, [&](const record::Attribute& a, bool) {
    if (a.type != attribute_type::kData || exact.found) return;
    if (!a.resident && a.lowest_vcn != 0) return;
    const std::string stream_name = utf16_to_wtf8(a.name);
    const bool is_exact = stream_name == name;
    if (!is_exact && (folded.found || !ascii_iequal(stream_name, name))) return;
    StreamLookup& hit = is_exact ? exact : folded;
    hit.found = true;
    hit.resident = a.resident;
    hit.name = stream_name;
    if (a.resident) {
      const std::size_t n = std::min(max_bytes, a.value.size());
      hit.bytes.assign(reinterpret_cast<const char*>(a.value.data()), n);
    }
  });
  return exact.found ? exact : folded;
}

}  // namespace sqltriage::ntfs
