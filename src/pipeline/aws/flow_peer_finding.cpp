// aws.flow_peer findings: ECS source/destination/network names, AWS totals under aws.flow.
#include "pipeline/aws/flow_peer_finding.hpp"

namespace sqltriage::pipeline::aws {

namespace {

using nlohmann::ordered_json;

ordered_json iso_or_null(const std::optional<Filetime>& t) {
  return t ? ordered_json(format_filetime(*t)) : ordered_json();
}

ordered_json endpoint(const std::string& ip, const std::optional<std::uint32_t>& port) {
  ordered_json out = ordered_json::object();
  out["ip"] = ip;
  if (port) out["port"] = *port;
  return out;
}

/// "ip:port", "[ip]:port" for IPv6 (RFC 3986 host syntax).
std::string host_port(const std::string& ip, std::uint32_t port) {
  const bool v6 = ip.find(':') != std::string::npos;
  return (v6 ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

}  // namespace

std::string transport_name(std::uint32_t protocol) {
  switch (protocol) {
    case 1:
      return "icmp";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 58:
      return "ipv6-icmp";
    default:
      return std::to_string(protocol);
  }
}

bool reported(const Conversation& c, const std::string& peer_class, const FlowPeerContext& ctx) {
  if (PeerClassifier::internal(peer_class) || c.rejected > 0) return true;
  if (peer_class == "public" && c.bytes_host_to_peer >= ctx.egress_bytes) return true;
  if (ctx.pivot && c.host_opened()) {
    const auto first = ctx.table->peer_first_seen(c.peer);
    return first && *first >= *ctx.pivot;
  }
  return false;
}

Finding flow_peer_finding(const Conversation& c, const std::string& peer_class,
                          const std::string& path, const FlowPeerContext& ctx) {
  const ConversationTable& t = *ctx.table;
  const bool out = c.host_opened();
  const std::string transport = transport_name(c.protocol);
  // The opener's port: the client port when one was seen throughout; same-port conversations
  // use the service port on both sides.
  const std::optional<std::uint32_t> client = c.opener == Opener::same_port
                                                  ? std::optional<std::uint32_t>(c.service_port)
                                              : c.client_ports_vary ? std::nullopt
                                                                    : c.client_port;

  Finding f;
  f.type = "aws.flow_peer";
  f.time = c.first_seen;
  f.artifact.path = path;
  f.summary =
      (out ? t.host() : c.peer) + " -> " + host_port(out ? c.peer : t.host(), c.service_port) +
      "/" + transport + " (" + peer_class + " peer, " + (out ? "outbound" : "inbound") +
      "): " + std::to_string(c.flows) + " flow" + (c.flows == 1 ? "" : "s") + ", " +
      std::to_string(c.bytes_host_to_peer) + " bytes sent, " +
      std::to_string(c.bytes_peer_to_host) + " bytes received" +
      (c.bytes_saturated ? " (saturated)" : "") + ", " + std::to_string(c.rejected) + " rejected" +
      (c.first_seen ? ", first " + format_filetime(*c.first_seen) : std::string());

  f.data["source"] = out ? endpoint(t.host(), client) : endpoint(c.peer, client);
  f.data["destination"] =
      out ? endpoint(c.peer, c.service_port) : endpoint(t.host(), c.service_port);
  f.data["network"] = {{"transport", transport},
                       {"iana_number", std::to_string(c.protocol)},
                       {"direction", out ? "outbound" : "inbound"}};
  if (c.account || c.instance) {
    ordered_json cloud = {{"provider", "aws"}};
    if (c.account) cloud["account"] = {{"id", t.name(c.account)}};
    if (c.instance) cloud["instance"] = {{"id", t.name(c.instance)}};
    f.data["cloud"] = std::move(cloud);
  }
  ordered_json interfaces = ordered_json::array();
  for (const auto id : c.interfaces) interfaces.push_back(t.name(id));
  ordered_json flow = ordered_json::object();
  flow["host_ip"] = t.host();
  flow["peer_ip"] = c.peer;
  flow["peer_class"] = peer_class;
  flow["opened_by"] = out ? "host" : "peer";
  flow["service_port"] = c.service_port;
  flow["lateral_port"] = is_lateral_port(c.service_port);
  flow["flows"] = c.flows;
  flow["packets_host_to_peer"] = c.packets_host_to_peer;
  flow["packets_peer_to_host"] = c.packets_peer_to_host;
  flow["bytes_host_to_peer"] = c.bytes_host_to_peer;
  flow["bytes_peer_to_host"] = c.bytes_peer_to_host;
  flow["packets_saturated"] = c.packets_saturated;
  flow["bytes_saturated"] = c.bytes_saturated;
  flow["accepted"] = c.accepted;
  flow["rejected"] = c.rejected;
  flow["first_seen"] = iso_or_null(c.first_seen);
  flow["last_seen"] = iso_or_null(c.last_seen);
  flow["peer_first_seen"] = iso_or_null(t.peer_first_seen(c.peer));
  flow["interfaces"] = std::move(interfaces);
  flow["interfaces_truncated"] = c.interfaces_truncated;
  flow["host_rejected_private_peers"] = ctx.rejected_private_peers;
  f.data["aws"] = {{"flow", std::move(flow)}};
  return f;
}

}  // namespace sqltriage::pipeline::aws
