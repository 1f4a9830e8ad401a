// registry.prefetch: Windows Prefetch files (*.pf) read through libscca, which also
// decompresses the MAM (LZXPRESS Huffman) files of Windows 10 and later. Bytes come through
// a libbfio handle over the artifact's ByteSource, so files inside disk images are streamed.
// Format knowledge: libyal libscca "Windows Prefetch File (PF) format".
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <functional>

#include "artifacts/libyal/bfio_source.hpp"
#include "artifacts/registry/execution/libscca_handles.hpp"
#include "artifacts/registry/extract.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::registry {

namespace {

using Json = nlohmann::ordered_json;

/// Real prefetch files are at most a few MiB; anything larger is not read.
constexpr std::uint64_t kMaxFileBytes = 64ULL * 1024 * 1024;
/// Bound on the size a MAM header may announce (libscca decompresses into memory).
constexpr std::uint64_t kMaxUncompressedBytes = 64ULL * 1024 * 1024;
/// Referenced file names emitted per file (FilesReferencedCount gives the total).
constexpr int kMaxFilenames = 1024;
constexpr int kMaxVolumes = 256;
constexpr std::size_t kMaxStringBytes = 64 * 1024;

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

bool ends_with_pf(std::string_view name) {
  if (name.size() < 3) return false;
  std::string tail(name.substr(name.size() - 3));
  std::transform(tail.begin(), tail.end(), tail.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return tail == ".pf";
}

/// A UTF-8 string from libscca's two-step getters: `size_fn` then `get_fn`.
template <typename SizeFn, typename GetFn>
std::optional<std::string> utf8(SizeFn size_fn, GetFn get_fn, SccaError& error) {
  std::size_t size = 0;
  if (size_fn(&size, error.out()) != 1) return std::nullopt;
  if (size == 0 || size > kMaxStringBytes) return std::string();
  std::string out(size, '\0');
  if (get_fn(reinterpret_cast<std::uint8_t*>(out.data()), size, error.out()) != 1)
    return std::nullopt;
  out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
  return out;
}

ArtifactError scca_error(const std::string& path, const std::string& what, const SccaError& e) {
  return ArtifactError(path, what + ": " + e.root_cause(), e.reported_offset());
}

/// Refuses files whose size or MAM header announce more than the bounds; returns whether
/// the file is MAM-compressed.
bool check_sizes(const std::string& path, const ByteSource& source) {
  if (source.size() > kMaxFileBytes)
    throw ArtifactError(path, "prefetch file of " + std::to_string(source.size()) +
                                  " bytes is larger than the " + std::to_string(kMaxFileBytes) +
                                  "-byte limit; not read");
  std::array<std::uint8_t, 8> head{};
  if (source.read_at(0, head.data(), head.size()) != head.size()) return false;
  const bool mam = head[0] == 'M' && head[1] == 'A' && head[2] == 'M';
  if (mam && le32(head.data() + 4) > kMaxUncompressedBytes)
    throw ArtifactError(path,
                        "MAM header announces " + std::to_string(le32(head.data() + 4)) +
                            " uncompressed bytes, more than the " +
                            std::to_string(kMaxUncompressedBytes) + "-byte limit; not read",
                        4);
  return mam;
}

Json volumes_json(const std::string& path, libscca_file_t* file, Sink& sink) {
  Json volumes = Json::array();
  SccaError error;
  int count = 0;
  if (libscca_file_get_number_of_volumes(file, &count, error.out()) != 1) {
    sink.record_error(scca_error(path, "cannot read the number of volumes", error));
    return volumes;
  }
  for (int i = 0; i < std::min(count, kMaxVolumes); ++i) {
    libscca_volume_information_t* raw = nullptr;
    if (libscca_file_get_volume_information(file, i, &raw, error.out()) != 1) {
      sink.record_error(scca_error(path, "cannot read volume " + std::to_string(i), error));
      continue;
    }
    SccaVolumeHandle volume(raw);
    Json v = Json::object();
    auto device = utf8(
        [&](std::size_t* n, libscca_error_t** e) {
          return libscca_volume_information_get_utf8_device_path_size(volume.get(), n, e);
        },
        [&](std::uint8_t* s, std::size_t n, libscca_error_t** e) {
          return libscca_volume_information_get_utf8_device_path(volume.get(), s, n, e);
        },
        error);
    v["DevicePath"] = device ? Json(*device) : Json(nullptr);
    std::uint32_t serial = 0;
    v["SerialNumber"] =
        libscca_volume_information_get_serial_number(volume.get(), &serial, error.out()) == 1
            ? Json(hex32(serial))
            : Json(nullptr);
    std::uint64_t created = 0;
    v["CreationTime"] =
        libscca_volume_information_get_creation_time(volume.get(), &created, error.out()) == 1 &&
                created != 0
            ? Json(format_filetime(created))
            : Json(nullptr);
    volumes.push_back(std::move(v));
  }
  if (count > kMaxVolumes)
    sink.errors.push_back(make_error(path, "limit",
                                     std::to_string(count) + " volumes; the first " +
                                         std::to_string(kMaxVolumes) + " are read"));
  return volumes;
}

void read_one(const ArtifactFile& artifact, Sink& sink) {
  const std::string& path = artifact.display_path;
  const std::shared_ptr<const ByteSource> source = open_artifact(artifact);
  const bool compressed = check_sizes(path, *source);
  libyal::BfioHandle bfio = libyal::make_bfio_handle(source);

  SccaError error;
  libscca_file_t* raw = nullptr;
  if (libscca_file_initialize(&raw, error.out()) != 1)
    throw scca_error(path, "libscca cannot create a file object", error);
  SccaFileHandle file(raw);  // declared after bfio: closed before it
  if (libscca_file_open_file_io_handle(file.get(), bfio.get(), LIBSCCA_OPEN_READ, error.out()) != 1)
    throw scca_error(path, "not a readable prefetch file", error);

  std::uint32_t version = 0;
  if (libscca_file_get_format_version(file.get(), &version, error.out()) != 1)
    throw scca_error(path, "cannot read the format version", error);
  auto name = utf8(
      [&](std::size_t* n, libscca_error_t** e) {
        return libscca_file_get_utf8_executable_filename_size(file.get(), n, e);
      },
      [&](std::uint8_t* s, std::size_t n, libscca_error_t** e) {
        return libscca_file_get_utf8_executable_filename(file.get(), s, n, e);
      },
      error);
  if (!name) throw scca_error(path, "cannot read the executable name", error);
  std::uint32_t hash = 0;
  const bool have_hash = libscca_file_get_prefetch_hash(file.get(), &hash, error.out()) == 1;
  std::uint32_t run_count = 0;
  const bool have_runs = libscca_file_get_run_count(file.get(), &run_count, error.out()) == 1;

  // Versions 17 and 23 keep one last run time, 26 and 30 keep eight.
  const int slots = version >= 26 ? 8 : 1;
  std::vector<Filetime> runs;
  for (int i = 0; i < slots; ++i) {
    std::uint64_t ft = 0;
    if (libscca_file_get_last_run_time(file.get(), i, &ft, error.out()) != 1) {
      sink.record_error(scca_error(path, "cannot read last run time " + std::to_string(i), error));
      break;
    }
    if (ft != 0) runs.push_back(ft);
  }
  std::sort(runs.begin(), runs.end(), std::greater<>());

  int filename_count = 0;
  Json files = Json::array();
  if (libscca_file_get_number_of_filenames(file.get(), &filename_count, error.out()) != 1) {
    sink.record_error(scca_error(path, "cannot read the number of referenced files", error));
    filename_count = 0;
  }
  for (int i = 0; i < std::min(filename_count, kMaxFilenames); ++i) {
    auto f = utf8(
        [&](std::size_t* n, libscca_error_t** e) {
          return libscca_file_get_utf8_filename_size(file.get(), i, n, e);
        },
        [&](std::uint8_t* s, std::size_t n, libscca_error_t** e) {
          return libscca_file_get_utf8_filename(file.get(), i, s, n, e);
        },
        error);
    if (!f) {
      sink.record_error(
          scca_error(path, "cannot read referenced file " + std::to_string(i), error));
      continue;
    }
    files.push_back(std::move(*f));
  }

  Finding finding;
  finding.type = "registry.prefetch";
  finding.artifact.path = path;
  if (!runs.empty()) finding.time = runs.front();
  finding.data["ExecutableName"] = *name;
  finding.data["PrefetchHash"] = have_hash ? Json(hex32(hash)) : Json(nullptr);
  finding.data["FormatVersion"] = version;
  finding.data["Compressed"] = compressed;
  finding.data["RunCount"] = have_runs ? Json(run_count) : Json(nullptr);
  Json times = Json::array();
  for (Filetime ft : runs) times.push_back(format_filetime(ft));
  finding.data["LastRunTimes"] = std::move(times);
  finding.data["Volumes"] = volumes_json(path, file.get(), sink);
  finding.data["FilesReferenced"] = std::move(files);
  finding.data["FilesReferencedCount"] = filename_count;
  finding.summary = "Prefetch: " + *name + " ran " +
                    (have_runs ? std::to_string(run_count) : std::string("?")) + " times" +
                    (runs.empty() ? std::string() : ", last " + format_filetime(runs.front()));
  sink.finding(std::move(finding));
}

std::vector<ArtifactFile> prefetch_files(const Evidence& evidence, Sink& sink) {
  std::vector<ArtifactFile> out;
  if (evidence.has_windows_layout()) {
    for (ArtifactFile& f : evidence.list("C:\\Windows\\Prefetch"))
      if (ends_with_pf(f.display_path)) out.push_back(std::move(f));
    return out;
  }
  for (ArtifactFile& f : evidence.loose_files()) {
    if (!ends_with_pf(f.display_path)) continue;
    if (!f.host_path.empty()) {
      std::error_code ec;
      const auto status = std::filesystem::symlink_status(f.host_path, ec);
      if (std::filesystem::is_symlink(status)) {
        sink.errors.push_back(make_error(f.display_path, "open_failed",
                                         "symbolic link named like a prefetch file; not followed"));
        continue;
      }
      if (!ec && !std::filesystem::is_regular_file(status)) continue;  // a folder
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

void read_prefetch(const Evidence& evidence, Sink& sink) {
  for (const ArtifactFile& file : prefetch_files(evidence, sink)) {
    try {
      read_one(file, sink);
    } catch (const ArtifactError& e) {
      sink.errors.push_back(make_error(e, "open_failed"));
    } catch (const std::exception& e) {
      sink.errors.push_back(make_error(file.display_path, "open_failed", e.what()));
    }
  }
}

}  // namespace sqltriage::registry
