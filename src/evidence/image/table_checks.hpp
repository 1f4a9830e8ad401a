// Checks shared by the MBR and GPT readers: where an entry lies relative to the image, and
// entries that overlap.
#pragma once

#include "evidence/image/partition_table.hpp"

namespace sqltriage::evidence::image {

/// Adds `p` to `table` when it starts inside `image`; otherwise reports it (naming its entry's
/// byte offset) and leaves it out. An entry running past the end is kept and reported.
void add_partition(const ByteSource& image, PartitionTable& table, Partition p);

/// Reports every pair of partitions of `table` that share bytes (at most a few).
void report_overlaps(PartitionTable& table);

}  // namespace sqltriage::evidence::image
