// Internal to the IAM reader: the EC2 outputs (iam_ec2_layouts.cpp). Each reader returns the
// IamFile "what" phrase.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "artifacts/aws/iam_pieces.hpp"

namespace sqltriage::aws::iam_detail {

/// `aws ec2 describe-instances`.
std::string read_describe_instances(const nlohmann::ordered_json& json, const std::string& source,
                                    Pieces& pieces);

/// --query 'Reservations[*].Instances[*].IamInstanceProfile' (nested arrays of {Arn, Id}), or
/// of whole instances, or one such object.
std::string read_profile_query(const nlohmann::ordered_json& json, const std::string& source,
                               Pieces& pieces);

/// `aws ec2 describe-iam-instance-profile-associations` (IamInstanceProfileAssociations[]
/// {AssociationId, InstanceId, IamInstanceProfile {Arn, Id}, State}): an instance (with no
/// addresses) per association whose State is "associated" or "associating".
std::string read_profile_associations(const nlohmann::ordered_json& json, const std::string& source,
                                      Pieces& pieces);

}  // namespace sqltriage::aws::iam_detail
