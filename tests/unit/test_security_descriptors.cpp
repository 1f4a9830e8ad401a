// Security descriptors and the $Secure:$SDS index: descriptors built from their [MS-DTYP]
// parts (decoded independently by ntfssecaudit -h), and $SDS streams laid out as NTFS lays
// them out, healthy and damaged.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <regex>
#include <thread>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/ntfs_security.hpp"
#include "support.hpp"

using sqltriage::ByteSource;
using sqltriage::SplicedSource;
using sqltriage::ntfs::parse_security_descriptor;
using sqltriage::ntfs::security_descriptor_hash;
using sqltriage::ntfs::SecurityDescriptorStream;
using Bytes = std::vector<std::uint8_t>;

namespace {

constexpr std::size_t kBlock = 256 * 1024;

void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put64(Bytes& b, std::size_t at, std::uint64_t v) {
  put32(b, at, static_cast<std::uint32_t>(v));
  put32(b, at + 4, static_cast<std::uint32_t>(v >> 32));
}

/// A SID in its binary form ([MS-DTYP] 2.4.2.2): revision 1, count, 48-bit big-endian
/// authority, little-endian sub-authorities.
Bytes sid(std::uint64_t authority, std::vector<std::uint32_t> subs) {
  Bytes b(8 + 4 * subs.size());
  b[0] = 1;
  b[1] = static_cast<std::uint8_t>(subs.size());
  for (int i = 0; i < 6; ++i) b[2 + i] = static_cast<std::uint8_t>(authority >> (8 * (5 - i)));
  for (std::size_t i = 0; i < subs.size(); ++i) put32(b, 8 + 4 * i, subs[i]);
  return b;
}

/// A self-relative descriptor ([MS-DTYP] 2.4.6): header, DACL with one ACCESS_ALLOWED ACE
/// for `ace_sid`, then owner and group (either may be left out).
void append(Bytes& to, const Bytes& from) {
  const std::size_t old = to.size();
  to.resize(old + from.size());
  std::copy(from.begin(), from.end(), to.begin() + static_cast<std::ptrdiff_t>(old));
}

Bytes descriptor(const Bytes& owner, const Bytes& group, const Bytes& ace_sid) {
  Bytes acl(8 + 8 + ace_sid.size());
  acl[0] = 2;  // ACL revision
  acl[2] = static_cast<std::uint8_t>(acl.size());
  acl[4] = 1;                                               // one ACE
  acl[8] = 0;                                               // ACCESS_ALLOWED_ACE_TYPE
  acl[10] = static_cast<std::uint8_t>(8 + ace_sid.size());  // ACE size
  put32(acl, 12, 0x001F01FF);                               // FILE_ALL_ACCESS
  std::copy(ace_sid.begin(), ace_sid.end(), acl.begin() + 16);
  Bytes sd(20);
  sd[0] = 1;
  sd[2] = 0x04;  // SE_DACL_PRESENT
  sd[3] = 0x80;  // SE_SELF_RELATIVE
  put32(sd, 16, 20);
  append(sd, acl);
  if (!owner.empty()) {
    put32(sd, 4, static_cast<std::uint32_t>(sd.size()));
    append(sd, owner);
  }
  if (!group.empty()) {
    put32(sd, 8, static_cast<std::uint32_t>(sd.size()));
    append(sd, group);
  }
  return sd;
}

const Bytes kUser = sid(5, {21, 111, 222, 333, 1001});
const Bytes kAdmins = sid(5, {32, 544});
const Bytes kSystem = sid(5, {18});
const Bytes kEveryone = sid(1, {0});

/// Writes `sd` as the hex dump ntfssecaudit prints and reads back with -h.
void write_dump(const Bytes& sd, const std::filesystem::path& p) {
  std::ofstream out(p);
  char buf[32];
  for (std::size_t line = 0; line < sd.size(); line += 16) {
    std::snprintf(buf, sizeof buf, "        %06zx ", line);
    out << buf;
    for (std::size_t w = line; w < line + 16 && w < sd.size(); w += 4) {
      out << ' ';
      for (std::size_t i = w; i < w + 4 && i < sd.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%02x", sd[i]);
        out << buf;
      }
    }
    out << '\n';
  }
}

std::shared_ptr<const ByteSource> memory(Bytes b) {
  auto s = std::make_shared<SplicedSource>();
  s->append(std::move(b));
  return s;
}

/// Lays out $SDS as NTFS does: entries 16-byte aligned in 256 KiB blocks, each block followed
/// by its mirror copy; the last block's mirror ends where its entries end.
class SdsBuilder {
 public:
  explicit SdsBuilder(std::uint8_t filler = 0) : filler_(filler) { next_block(); }

  struct Override {
    std::optional<std::uint32_t> hash;
    std::optional<std::uint32_t> size;
    static Override with_hash(std::uint32_t h) { return Override{h, std::nullopt}; }
    static Override with_size(std::uint32_t s) { return Override{std::nullopt, s}; }
  };

  /// Appends an entry; returns its offset in the stream.
  std::uint64_t add(std::uint32_t id, const Bytes& sd, Override o = {}) {
    const std::size_t size = 20 + sd.size();
    if (used_ + size > kBlock) next_block();
    Bytes& b = blocks_.back();
    const std::uint64_t at = 2 * kBlock * (blocks_.size() - 1) + used_;
    put32(b, used_, o.hash.value_or(security_descriptor_hash(sd.data(), sd.size())));
    put32(b, used_ + 4, id);
    put64(b, used_ + 8, at);
    put32(b, used_ + 16, o.size.value_or(static_cast<std::uint32_t>(size)));
    std::copy(sd.begin(), sd.end(), b.begin() + used_ + 20);
    used_ += (size + 15) / 16 * 16;
    return at;
  }

  /// Raw bytes at the current position of the current block (for damage).
  void raw(const Bytes& bytes) {
    std::copy(bytes.begin(), bytes.end(), blocks_.back().begin() + used_);
    used_ += (bytes.size() + 15) / 16 * 16;
  }

  void next_block() {
    blocks_.emplace_back(kBlock, filler_);
    used_ = 0;
  }

  Bytes build() const {
    Bytes out;
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      out.insert(out.end(), blocks_[i].begin(), blocks_[i].end());
      const std::size_t mirror = i + 1 < blocks_.size() ? kBlock : used_;
      out.insert(out.end(), blocks_[i].begin(), blocks_[i].begin() + mirror);
    }
    return out;
  }

 private:
  std::uint8_t filler_;
  std::vector<Bytes> blocks_;
  std::size_t used_ = 0;
};

std::string all_messages(const SecurityDescriptorStream& s) {
  std::string text;
  for (const auto& e : s.errors()) text += e.code + ": " + e.message + "\n";
  return text;
}

}  // namespace

TEST_CASE("a descriptor parses to the owner, group and hash ntfssecaudit decodes", "[owner]") {
  if (!sqltriage::test::tool_or_skip("ntfssecaudit")) return;
  sqltriage::test::TempDir tmp;
  for (const auto& [owner, group] :
       {std::pair{kUser, kAdmins}, std::pair{kAdmins, kSystem}, std::pair{kSystem, kUser}}) {
    const Bytes sd = descriptor(owner, group, kEveryone);
    write_dump(sd, tmp.path() / "dump.txt");
    const auto ref = sqltriage::test::run(
        "ntfssecaudit -h " + sqltriage::test::shell_quote((tmp.path() / "dump.txt").string()));
    std::smatch o, g, h;
    REQUIRE(std::regex_search(ref.out, o, std::regex(R"(O:dec (S-[0-9-]+))")));
    REQUIRE(std::regex_search(ref.out, g, std::regex(R"(G:dec (S-[0-9-]+))")));
    REQUIRE(std::regex_search(ref.out, h, std::regex(R"(Computed hash : 0x([0-9a-f]+))")));
    std::string why;
    const auto parsed = parse_security_descriptor(sd.data(), sd.size(), &why);
    INFO(why);
    REQUIRE(parsed);
    CHECK(parsed->owner_sid == o[1].str());
    CHECK(parsed->group_sid == g[1].str());
    CHECK(security_descriptor_hash(sd.data(), sd.size()) == std::stoul(h[1], nullptr, 16));
  }
}

TEST_CASE("a descriptor without an owner or group gives empty SIDs", "[owner]") {
  const Bytes sd = descriptor({}, kSystem, kEveryone);
  const auto parsed = parse_security_descriptor(sd.data(), sd.size());
  REQUIRE(parsed);
  CHECK(parsed->owner_sid.empty());
  CHECK(parsed->group_sid == "S-1-5-18");
}

TEST_CASE("malformed descriptors give nullopt and a reason with the offset", "[owner]") {
  const Bytes good = descriptor(kUser, kAdmins, kEveryone);
  std::string why;

  CHECK_FALSE(parse_security_descriptor(good.data(), 19, &why));
  CHECK(why.find("20-byte header") != std::string::npos);
  CHECK_FALSE(parse_security_descriptor(nullptr, 0, &why));

  Bytes b = good;
  put32(b, 4, static_cast<std::uint32_t>(b.size() + 100));  // owner offset outside
  CHECK_FALSE(parse_security_descriptor(b.data(), b.size(), &why));
  CHECK(why.find("owner SID at offset " + std::to_string(b.size() + 100)) != std::string::npos);

  b = good;
  put32(b, 4, 8);  // owner offset inside the header
  CHECK_FALSE(parse_security_descriptor(b.data(), b.size(), &why));
  CHECK(why.find("owner SID at offset 8") != std::string::npos);

  b = good;
  put32(b, 8, static_cast<std::uint32_t>(b.size() - 8));  // group SID cut by the end
  b[b.size() - 7] = 5;                                    // claims 5 sub-authorities
  CHECK_FALSE(parse_security_descriptor(b.data(), b.size(), &why));
  CHECK(why.find("group SID") != std::string::npos);

  b = good;
  b[20 + 2] = 0xFF;  // DACL declares more bytes than there are
  b[20 + 3] = 0x7F;
  CHECK_FALSE(parse_security_descriptor(b.data(), b.size(), &why));
  CHECK(why.find("DACL at offset 20") != std::string::npos);

  b = good;
  b[0] = 2;
  CHECK_FALSE(parse_security_descriptor(b.data(), b.size(), &why));
  CHECK(why.find("revision 2") != std::string::npos);

  b = good;
  const std::size_t owner_at = 20 + 8 + 8 + kEveryone.size();
  b[owner_at + 1] = 15;  // 15 sub-authorities: beyond what libfwnt parses, and past the end
  CHECK_FALSE(parse_security_descriptor(b.data(), b.size(), &why));
  CHECK(why.find("owner SID") != std::string::npos);
}

TEST_CASE("random bytes never crash the descriptor parser", "[owner]") {
  std::mt19937 rng(1234);
  std::size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes b(rng() % 200);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    // Half the rounds keep a plausible header so the parser gets past it.
    if (round % 2 == 0 && b.size() >= 20) {
      b[0] = 1;
      for (int f = 4; f < 20; f += 4)
        put32(b, f, static_cast<std::uint32_t>(rng() % (b.size() + 8)));
    }
    std::string why;
    if (parse_security_descriptor(b.data(), b.size(), &why))
      ++accepted;
    else
      CHECK_FALSE(why.empty());
  }
  CHECK(accepted < 20000);
}

TEST_CASE("$SDS: entries of a mirrored block are indexed once, the unused rest is not damage",
          "[owner]") {
  SdsBuilder sds(0x50);  // unused space holds a fill pattern, as on a real image
  sds.add(0x100, descriptor(kSystem, kSystem, kEveryone));
  sds.add(0x101, descriptor(kAdmins, kSystem, kEveryone));
  sds.add(0x10c, descriptor(kUser, kAdmins, kEveryone));
  const Bytes bytes = sds.build();
  REQUIRE(bytes.size() > kBlock);  // the mirror is there
  SecurityDescriptorStream s(memory(bytes), "C:\\$Secure:$SDS");
  INFO(all_messages(s));
  CHECK(s.errors().empty());
  CHECK(s.size() == 3);
  CHECK(s.lookup(0x100)->owner_sid == "S-1-5-18");
  CHECK(s.lookup(0x101)->owner_sid == "S-1-5-32-544");
  CHECK(s.lookup(0x10c)->owner_sid == "S-1-5-21-111-222-333-1001");
  CHECK(s.lookup(0x10c)->group_sid == "S-1-5-32-544");
  CHECK_FALSE(s.lookup(0x102));
  CHECK(s.display_path() == "C:\\$Secure:$SDS");
}

TEST_CASE("$SDS across several block pairs: left-over space at a block's end is skipped",
          "[owner]") {
  SdsBuilder sds(0xA5);
  std::uint32_t id = 0x100;
  // Enough entries to fill three blocks; each block then ends in left-over fill bytes.
  std::vector<std::uint32_t> ids;
  for (int i = 0; i < 6000; ++i) {
    ids.push_back(id);
    sds.add(id++, descriptor(i % 2 ? kUser : kSystem, kAdmins, kEveryone));
  }
  const Bytes bytes = sds.build();
  REQUIRE(bytes.size() > 4 * kBlock);
  SecurityDescriptorStream s(memory(bytes), "SDS");
  INFO(all_messages(s));
  CHECK(s.errors().empty());
  CHECK(s.size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); i += 97)
    CHECK(s.lookup(ids[i])->owner_sid == (i % 2 ? "S-1-5-21-111-222-333-1001" : "S-1-5-18"));
}

TEST_CASE("$SDS of zeros, and an empty one", "[owner]") {
  SecurityDescriptorStream zeros(memory(Bytes(300 * 1024, 0)), "SDS");
  CHECK(zeros.size() == 0);
  REQUIRE(zeros.errors().size() == 1);
  CHECK(zeros.errors()[0].artifact.offset == 0);
  CHECK(zeros.errors()[0].message.find("no security descriptor entry") != std::string::npos);
  CHECK_FALSE(zeros.lookup(0x100));

  SecurityDescriptorStream empty(memory({}), "SDS");
  CHECK(empty.size() == 0);
  CHECK(empty.errors().empty());
}

TEST_CASE("$SDS: a truncated last entry is an error naming its offset, the rest is kept",
          "[owner]") {
  SdsBuilder sds;
  sds.add(0x100, descriptor(kSystem, kSystem, kEveryone));
  const auto second = sds.add(0x101, descriptor(kUser, kAdmins, kEveryone));
  Bytes bytes = sds.build();
  bytes.resize(kBlock);       // drop the mirror
  bytes.resize(second + 40);  // cut the second entry
  SecurityDescriptorStream s(memory(bytes), "C:\\$Secure:$SDS");
  CHECK(s.size() == 1);
  CHECK(s.lookup(0x100)->owner_sid == "S-1-5-18");
  REQUIRE(s.errors().size() == 1);
  const auto& e = s.errors()[0];
  CHECK(e.artifact.path == "C:\\$Secure:$SDS");
  CHECK(e.artifact.offset == second);
  CHECK(e.code == "record");
  CHECK(e.message.find("byte offset " + std::to_string(second)) != std::string::npos);
  CHECK(e.message.find("runs past") != std::string::npos);
}

TEST_CASE(
    "$SDS: size 0xFFFFFFFF, id 0, a bad hash and a duplicate id are errors, later "
    "entries are still found",
    "[owner]") {
  SdsBuilder sds;
  sds.add(0x100, descriptor(kSystem, kSystem, kEveryone));
  const auto huge = sds.add(0x101, descriptor(kAdmins, kSystem, kEveryone),
                            SdsBuilder::Override::with_size(0xFFFFFFFF));
  const auto zero = sds.add(0, descriptor(kAdmins, kSystem, kEveryone));
  const auto bad_hash = sds.add(0x102, descriptor(kAdmins, kSystem, kEveryone),
                                SdsBuilder::Override::with_hash(1234));
  sds.add(0x103, descriptor(kUser, kSystem, kEveryone));
  const auto duplicate = sds.add(0x103, descriptor(kAdmins, kSystem, kEveryone));
  const auto tiny =
      sds.add(0x104, descriptor(kAdmins, kSystem, kEveryone), SdsBuilder::Override::with_size(8));
  sds.add(0x105, descriptor(kAdmins, kUser, kEveryone));
  SecurityDescriptorStream s(memory(sds.build()), "SDS");
  INFO(all_messages(s));
  CHECK(s.size() == 3);  // 0x100, 0x103 (the first), 0x105
  CHECK(s.lookup(0x100)->owner_sid == "S-1-5-18");
  CHECK(s.lookup(0x103)->owner_sid == "S-1-5-21-111-222-333-1001");
  CHECK(s.lookup(0x105)->group_sid == "S-1-5-21-111-222-333-1001");
  for (std::uint32_t missing : {0x101u, 0x102u, 0x104u, 0u}) CHECK_FALSE(s.lookup(missing));
  std::vector<std::uint64_t> offsets;
  for (const auto& e : s.errors()) offsets.push_back(*e.artifact.offset);
  std::sort(offsets.begin(), offsets.end());
  CHECK(offsets == std::vector<std::uint64_t>{huge, zero, bad_hash, duplicate, tiny});
  const auto text = all_messages(s);
  CHECK(text.find("size 4294967295") != std::string::npos);
  CHECK(text.find("security_id 0") != std::string::npos);
  CHECK(text.find("hash") != std::string::npos);
  CHECK(text.find("already defined") != std::string::npos);
  CHECK(text.find("size 8 is below") != std::string::npos);
}

TEST_CASE("$SDS: bytes that are no entry between entries are one error, the scan resyncs",
          "[owner]") {
  SdsBuilder sds;
  sds.add(0x100, descriptor(kSystem, kSystem, kEveryone));
  Bytes junk(100, 0x41);  // 112 bytes once aligned
  sds.raw(junk);
  const auto after = sds.add(0x101, descriptor(kUser, kSystem, kEveryone));
  SecurityDescriptorStream s(memory(sds.build()), "SDS");
  CHECK(s.size() == 2);
  CHECK(s.lookup(0x101)->owner_sid == "S-1-5-21-111-222-333-1001");
  REQUIRE(s.errors().size() == 1);
  CHECK(*s.errors()[0].artifact.offset == after - 112);
  CHECK(s.errors()[0].message.find("to " + std::to_string(after)) != std::string::npos);
}

TEST_CASE("$SDS: a descriptor whose owner offset points outside fails at lookup, reported once",
          "[owner]") {
  Bytes sd = descriptor(kUser, kAdmins, kEveryone);
  put32(sd, 4, 0x7000);
  SdsBuilder sds;
  const auto at = sds.add(0x100, sd);
  SecurityDescriptorStream s(memory(sds.build()), "C:\\$Secure:$SDS");
  CHECK(s.size() == 1);
  CHECK(s.errors().empty());  // the entry itself is sound
  CHECK_FALSE(s.lookup(0x100));
  CHECK_FALSE(s.lookup(0x100));
  for (int i = 0x200; i < 0x240; ++i) s.lookup(i);  // push it out of the cache
  CHECK_FALSE(s.lookup(0x100));
  REQUIRE(s.errors().size() == 1);
  CHECK(s.errors()[0].artifact.offset == at);
  CHECK(s.errors()[0].message.find("owner SID at offset 28672") != std::string::npos);
}

TEST_CASE("$SDS: 300 KiB of random bytes give bounded errors and no entries", "[owner]") {
  std::mt19937 rng(99);
  Bytes blob(300 * 1024);
  for (auto& b : blob) b = static_cast<std::uint8_t>(rng());
  SecurityDescriptorStream s(memory(blob), "SDS");
  CHECK(s.size() == 0);
  // The first block's used part (the mirror says 44 KiB) is one run of damage.
  REQUIRE(s.errors().size() == 1);
  CHECK(s.errors()[0].artifact.offset == 0);
  CHECK_FALSE(s.lookup(1));
}

namespace {
/// Fails every read past `limit`, like a bad sector.
class FailingSource final : public ByteSource {
 public:
  FailingSource(Bytes b, std::uint64_t limit) : bytes_(std::move(b)), limit_(limit) {}
  std::uint64_t size() const override { return bytes_.size(); }
  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const override {
    if (offset + n > limit_) throw std::runtime_error("I/O error");
    if (offset >= bytes_.size()) return 0;
    n = std::min<std::size_t>(n, bytes_.size() - offset);
    std::memcpy(buf, bytes_.data() + offset, n);
    return n;
  }

 private:
  Bytes bytes_;
  std::uint64_t limit_;
};
}  // namespace

TEST_CASE("$SDS: a read failure ends the scan with a 'truncated' error, indexed ids stay",
          "[owner]") {
  SdsBuilder sds;
  for (std::uint32_t id = 0x100; id < 0x100 + 3000; ++id)
    sds.add(id, descriptor(kUser, kAdmins, kEveryone));
  const Bytes bytes = sds.build();
  REQUIRE(bytes.size() > 2 * kBlock);
  SecurityDescriptorStream s(std::make_shared<FailingSource>(bytes, 2 * kBlock + 10), "SDS");
  CHECK(s.size() > 0);
  CHECK(s.size() < 3000);
  CHECK(s.lookup(0x100)->owner_sid == "S-1-5-21-111-222-333-1001");
  REQUIRE_FALSE(s.errors().empty());
  CHECK(s.errors().back().code == "truncated");
  CHECK(s.errors().back().artifact.offset == 2 * kBlock);
}

TEST_CASE("$SDS lookups from several threads agree", "[owner]") {
  SdsBuilder sds;
  for (std::uint32_t id = 0x100; id < 0x100 + 200; ++id)
    sds.add(id, descriptor(id % 3 ? kUser : kSystem, kAdmins, kEveryone));
  SecurityDescriptorStream s(memory(sds.build()), "SDS");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const std::uint32_t id = 0x100 + static_cast<std::uint32_t>((i * 7 + t) % 200);
        const auto r = s.lookup(id);
        if (!r || r->owner_sid != (id % 3 ? "S-1-5-21-111-222-333-1001" : "S-1-5-18")) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(wrong == 0);
  CHECK(s.errors().empty());
}
