// .NET: the CLR runtime header's data directory (index 14, PE Format "The .cormeta
// Section"). A file is .NET when that directory has a non-zero RVA and size and its first
// bytes map into the file.
#include "artifacts/pe/parse_context.hpp"

namespace sqltriage::pe::detail {

void read_clr_header(ParseContext& ctx) {
  const auto dir = ctx.directory(kClrDirectory);
  if (!dir || dir->size == 0) return;
  if (!ctx.rva_to_offset(dir->rva, 1)) {
    ctx.problem(ctx.directory_entry_offset(kClrDirectory),
                "CLR runtime header at RVA " + hex_offset(dir->rva) +
                    " lies outside every section's data in the file");
    return;
  }
  ctx.info().is_dotnet = true;
}

}  // namespace sqltriage::pe::detail
