// The EC2 side of the chain: `aws ec2 describe-instances` (Reservations[] {OwnerId,
// Instances[] {InstanceId, IamInstanceProfile {Arn, Id}, PrivateIpAddress, PublicIpAddress,
// Placement.AvailabilityZone, NetworkInterfaces[] {PrivateIpAddresses[] {PrivateIpAddress,
// Association.PublicIp}}}}) and the output of its --query 'Reservations[*].Instances[*].
// IamInstanceProfile' ([[{"Arn", "Id"}]]: profiles with no instance id).
#include <algorithm>

#include "artifacts/aws/iam_ec2.hpp"
#include "artifacts/aws/iam_fields.hpp"

namespace sqltriage::aws::iam_detail {

namespace {

using nlohmann::ordered_json;

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end())
    list.push_back(value);
}

/// "eu-west-1a" -> "eu-west-1": the zone's parts up to the first all-digit one (Local Zones
/// "us-west-2-lax-1a" -> "us-west-2", "us-gov-west-1a" -> "us-gov-west-1").
std::string region_of(const std::string& zone) {
  std::string out;
  std::size_t start = 0;
  while (start <= zone.size()) {
    const auto dash = std::min(zone.find('-', start), zone.size());
    std::string part = zone.substr(start, dash - start);
    const bool digits_then_letter =
        !part.empty() && part.find_first_not_of("0123456789") == part.size() - 1;
    const bool digits = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    if (digits_then_letter && dash == zone.size()) part.pop_back();  // the zone letter
    out += (out.empty() ? "" : "-") + part;
    if (digits || digits_then_letter) return out;
    start = dash + 1;
  }
  return zone;
}

Instance read_instance(const ordered_json& j, const std::string& owner, const std::string& source) {
  Instance in;
  in.instance_id = str(j, "InstanceId");
  in.account_id = owner;
  in.source = source;
  if (has(j, "IamInstanceProfile")) {
    in.profile_arn = str(j["IamInstanceProfile"], "Arn");
    in.profile_name = arn_name(in.profile_arn);
  }
  add_unique(in.private_ips, str(j, "PrivateIpAddress"));
  add_unique(in.public_ips, str(j, "PublicIpAddress"));
  for (const auto& ni : array(j, "NetworkInterfaces")) {
    add_unique(in.private_ips, str(ni, "PrivateIpAddress"));
    if (has(ni, "Association")) add_unique(in.public_ips, str(ni["Association"], "PublicIp"));
    for (const auto& pa : array(ni, "PrivateIpAddresses")) {
      add_unique(in.private_ips, str(pa, "PrivateIpAddress"));
      if (has(pa, "Association")) add_unique(in.public_ips, str(pa["Association"], "PublicIp"));
    }
  }
  if (has(j, "Placement")) in.region = region_of(str(j["Placement"], "AvailabilityZone"));
  if (in.account_id.empty() && !in.profile_arn.empty()) in.account_id = arn_account(in.profile_arn);
  return in;
}

/// Walks the nested arrays of a --query output (at most `depth` levels).
void walk_query(const ordered_json& j, int depth, const std::string& source, Pieces& pieces,
                std::size_t& bad) {
  if (j.is_array() && depth > 0) {
    for (const auto& e : j) walk_query(e, depth - 1, source, pieces, bad);
  } else if (j.is_object() && has(j, "InstanceId")) {
    pieces.instances.push_back(read_instance(j, "", source));
  } else if (j.is_object() && str(j, "Arn").find(":instance-profile/") != std::string::npos) {
    Instance in;
    in.profile_arn = str(j, "Arn");
    in.profile_name = arn_name(in.profile_arn);
    in.account_id = arn_account(in.profile_arn);
    in.source = source;
    pieces.instances.push_back(std::move(in));
  } else if (!j.is_null()) {  // null: an instance with no profile
    ++bad;
  }
}

}  // namespace

std::string read_describe_instances(const ordered_json& json, const std::string& source,
                                    Pieces& pieces) {
  std::size_t count = 0, bad = 0;
  for (const auto& r : array(json, "Reservations")) {
    if (!r.is_object()) {
      ++bad;
      continue;
    }
    const auto owner = str(r, "OwnerId");
    for (const auto& i : array(r, "Instances")) {
      if (!i.is_object() || str(i, "InstanceId").empty()) {
        ++bad;
        continue;
      }
      pieces.instances.push_back(read_instance(i, owner, source));
      ++count;
    }
  }
  if (bad > 0)
    pieces.errors.push_back(
        make_error(source, "record",
                   std::to_string(bad) + (bad == 1 ? " reservation or instance entry is not an "
                                                     "object with an InstanceId; it is left out"
                                                   : " reservation or instance entries are not "
                                                     "objects with an InstanceId; they are left "
                                                     "out")));
  return std::to_string(count) + (count == 1 ? " instance" : " instances");
}

std::string read_profile_query(const ordered_json& json, const std::string& source,
                               Pieces& pieces) {
  const auto before = pieces.instances.size();
  std::size_t bad = 0;
  walk_query(json, 8, source, pieces, bad);
  if (bad > 0)
    pieces.errors.push_back(
        make_error(source, "record",
                   std::to_string(bad) +
                       (bad == 1 ? " entry is neither an instance nor an instance profile"
                                 : " entries are neither instances nor instance profiles") +
                       " ({\"Arn\": \"arn:aws:iam::...:instance-profile/...\"}); left out"));
  const auto n = pieces.instances.size() - before;
  return std::to_string(n) + (n == 1 ? " instance profile" : " instance profiles");
}

}  // namespace sqltriage::aws::iam_detail

namespace sqltriage::aws::iam_detail {

std::string read_profile_associations(const nlohmann::ordered_json& json, const std::string& source,
                                      Pieces& pieces) {
  std::size_t current = 0, other = 0, bad = 0;
  for (const auto& a : array(json, "IamInstanceProfileAssociations")) {
    const auto id = str(a, "InstanceId");
    const auto arn = has(a, "IamInstanceProfile") ? str(a["IamInstanceProfile"], "Arn") : "";
    if (id.empty() || arn.empty()) {
      ++bad;
      continue;
    }
    const auto state = str(a, "State");
    if (state != "associated" && state != "associating") {  // disassociating, disassociated
      ++other;
      continue;
    }
    Instance in;
    in.instance_id = id;
    in.profile_arn = arn;
    in.profile_name = arn_name(arn);
    in.account_id = arn_account(arn);
    in.source = source;
    pieces.instances.push_back(std::move(in));
    ++current;
  }
  if (bad > 0)
    pieces.errors.push_back(make_error(
        source, "record",
        std::to_string(bad) +
            (bad == 1 ? " association is not an object" : " associations are not objects") +
            " with an InstanceId and an IamInstanceProfile.Arn; left out"));
  return std::to_string(current) +
         (current == 1 ? " current association" : " current associations") +
         (other > 0 ? ", " + std::to_string(other) + " past or ending (left out)" : std::string());
}

}  // namespace sqltriage::aws::iam_detail
