// Internal to the cloudtrail scan: a CloudTrailEvent as an aws.api_call finding (docs/aws.md),
// and what the filters and checks need to know about its identity.
#pragma once

#include <string>

#include "sqltriage/aws_cloudtrail.hpp"
#include "sqltriage/aws_exports.hpp"  // is_instance_id
#include "sqltriage/finding.hpp"

namespace sqltriage::aws {

/// The instance whose role credentials made the call: the AssumedRole session name when it is
/// an instance id, else the part of principalId after ':' when it is one; "" otherwise.
std::string instance_of(const UserIdentity& identity);

/// The role an instance session belongs to: sessionContext.sessionIssuer.arn, else the
/// assumed-role ARN without its session name.
std::string role_of(const UserIdentity& identity);

/// Whether sourceIPAddress is an IPv4 or IPv6 address (not a service name such as
/// "ec2.amazonaws.com" or "AWS Internal").
bool is_address(std::string_view source_ip);

/// The aws.api_call finding of `event` read from `display`: ECS names where they exist
/// (event.*, cloud.*, source.ip, user_agent.original), the rest under aws.cloudtrail; empty
/// fields are left out. responseElements is never read.
Finding api_call_finding(const CloudTrailEvent& event, const std::string& display);

}  // namespace sqltriage::aws
