// The public IAM action-pattern predicates (aws_iam.hpp): actions compare case-insensitively.
#include "artifacts/aws/iam_glob.hpp"
#include "sqltriage/aws_iam.hpp"

namespace sqltriage::aws {

bool action_matches(std::string_view pattern, std::string_view action) {
  return glob::match(pattern, action, true);
}

bool patterns_overlap(std::string_view a, std::string_view b) { return glob::overlap(a, b, true); }

}  // namespace sqltriage::aws
