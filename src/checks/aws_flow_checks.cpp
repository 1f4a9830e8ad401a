// The VPC flow-log checks (docs/checks.md#aws-checks): lateral movement from the host to
// other private addresses, peers new since the pivot, volume sent to public addresses,
// refused attempts. They read the aws.flow_peer finding's data (docs/aws.md).
#include <cstdint>
#include <string>
#include <vector>

#include "checks/data_fields.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::checks {

namespace {

using data::member;
using data::text;
using data::time_of;
using nlohmann::ordered_json;

constexpr const char* kNetworkScan = "T1046";       // Network Service Discovery
constexpr const char* kExfilOverC2 = "T1041";       // Exfiltration Over C2 Channel
constexpr const char* kExfilAltProtocol = "T1048";  // Exfiltration Over Alternative Protocol
constexpr const char* kAppLayerProtocol = "T1071";  // Application Layer Protocol (C2)
constexpr const char* kRemoteServices = "T1021";    // Remote Services

/// Distinct private peers with host-opened REJECTs from which the host is taken to scan.
constexpr std::uint64_t kScanPeers = 10;

std::uint64_t count(const ordered_json& j, const char* key) {
  const auto* m = member(j, key);
  return m && m->is_number_unsigned() ? m->get<std::uint64_t>() : 0;
}

/// The remote-services sub-technique and the service name of a lateral-movement port; empty
/// technique for any other port.
struct LateralPort {
  const char* technique;
  const char* service;
};
LateralPort lateral_port(std::uint64_t port) {
  switch (port) {
    case 22:
      return {"T1021.004", "SSH"};
    case 3389:
      return {"T1021.001", "RDP"};
    case 445:
      return {"T1021.002", "SMB"};
    case 135:
      return {"T1021.003", "RPC/DCOM"};
    case 5985:
    case 5986:
      return {"T1021.006", "WinRM"};
    case 1433:
      return {kRemoteServices, "SQL Server"};
    default:
      return {"", ""};
  }
}

}  // namespace

void apply_aws_flow_checks(Finding& f, const AwsFlowCheckOptions& options) {
  if (f.type != "aws.flow_peer") return;
  const auto* flow_parent = member(f.data, "aws");
  const auto* flow = flow_parent ? member(*flow_parent, "flow") : nullptr;
  if (!flow) return;
  const std::string peer = text(*flow, "peer_ip");
  const std::string peer_class = text(*flow, "peer_class");
  const bool outbound = text(*flow, "opened_by") == "host";
  // "vpc": a --vpc-cidr address, or an IPv6 one in the host's /56, checked like a private one.
  const bool is_private = peer_class == "private" || peer_class == "vpc";
  const std::uint64_t port = count(*flow, "service_port");
  const std::uint64_t accepted = count(*flow, "accepted");
  const std::uint64_t rejected = count(*flow, "rejected");
  const std::uint64_t sent = count(*flow, "bytes_host_to_peer");
  const auto lateral = lateral_port(port);
  const bool is_lateral = *lateral.technique != '\0';
  const std::string where =
      (peer.find(':') != std::string::npos ? "[" + peer + "]" : peer) + ":" + std::to_string(port);

  bool lateral_hit = false;
  if (is_private && is_lateral && outbound) {
    lateral_hit = true;
    f.add_check({"lateral_movement_port",
                 accepted > 0 ? Severity::high : Severity::medium,
                 {lateral.technique},
                 "the host opened " + std::string(lateral.service) + " connections to the " +
                     peer_class + " address " + where + " (" + std::to_string(accepted) +
                     " accepted, " + std::to_string(rejected) + " rejected flows)"});
  } else if (is_private && is_lateral && accepted > 0) {
    lateral_hit = true;
    f.add_check({"inbound_lateral_port",
                 Severity::medium,
                 {lateral.technique},
                 "the " + peer_class + " address " + peer + " reached the host's " +
                     std::string(lateral.service) + " port " + std::to_string(port) + " (" +
                     std::to_string(accepted) + " accepted flows)"});
  }
  if (is_private && !lateral_hit)
    f.add_check({"private_peer",
                 outbound ? Severity::low : Severity::info,
                 {},
                 outbound
                     ? "the host opened a conversation to the " + peer_class + " address " + where
                     : "the " + peer_class + " address " + peer +
                           " opened a conversation to the host's "
                           "port " +
                           std::to_string(port)});

  // Inbound public peers are left out: scanners of the internet are new every day.
  if (options.pivot && (is_private || outbound)) {
    const auto first = time_of(*flow, "peer_first_seen");
    if (first && *first >= *options.pivot) {
      std::vector<std::string> attack;
      if (is_private && is_lateral)
        attack.push_back(lateral.technique);
      else if (peer_class == "public" && outbound)
        attack.push_back(kAppLayerProtocol);
      f.add_check({"new_peer_after_pivot",
                   is_private && is_lateral ? Severity::high : Severity::medium, attack,
                   peer + " was first seen at " + text(*flow, "peer_first_seen") +
                       ", at or after the pivot " + format_filetime(*options.pivot) +
                       ", and never before"});
    }
  }

  if (peer_class == "public" && sent >= options.egress_bytes)
    f.add_check({"public_egress",
                 Severity::medium,
                 {kExfilOverC2, kExfilAltProtocol},
                 "the host sent " + std::to_string(sent) + " bytes to the public address " + where +
                     " (threshold " + std::to_string(options.egress_bytes) + ")"});

  if (outbound && rejected > 0) {
    if (is_private) {
      f.add_check({"rejected",
                   Severity::low,
                   {kNetworkScan},
                   std::to_string(rejected) + " flows from the host to the " + peer_class +
                       " address " + where + " were rejected"});
      const auto peers = count(*flow, "host_rejected_private_peers");
      if (peers >= kScanPeers)
        f.add_check({"private_scan",
                     Severity::medium,
                     {kNetworkScan},
                     "the host's attempts to " + std::to_string(peers) +
                         " distinct private addresses were rejected: a scan"});
    } else {
      f.add_check({"rejected_egress",
                   Severity::low,
                   {},
                   std::to_string(rejected) + " flows from the host to the " + peer_class +
                       " address " + where + " were rejected"});
    }
  }
}

}  // namespace sqltriage::checks
