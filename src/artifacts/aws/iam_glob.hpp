// Internal to the IAM reader: IAM wildcard patterns ('*' any run of characters, '?' exactly
// one) as regular languages — matching, overlap (some string matches both) and cover (every
// string one pattern matches is matched by one of a list). Actions compare case-insensitively
// (fold = true), resource ARNs case-sensitively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqltriage::aws::glob {

/// Whether `pattern` matches the literal `text`.
bool match(std::string_view pattern, std::string_view text, bool fold);

/// Whether some string matches both patterns.
bool overlap(std::string_view a, std::string_view b, bool fold);

/// Whether every string `inner` matches is matched by at least one of `outer`. When the
/// search grows past a bound (pathological patterns) the answer is false: the caller then
/// says "partly" rather than "fully", never the reverse.
bool cover(const std::vector<std::string>& outer, std::string_view inner, bool fold);

/// A bound on the work overlap() and cover() may do on this thread from now on (units: one
/// automaton state step); 0 = unbounded (the default). Once it is spent, overlap() answers
/// true and cover() false — "may reach", "not fully denied": the cautious side.
void set_budget(std::size_t units);
/// Whether the bound set by set_budget() was spent.
bool budget_spent();

/// Whether the pattern matches every string ("*", "**").
bool matches_everything(std::string_view pattern);

}  // namespace sqltriage::aws::glob
