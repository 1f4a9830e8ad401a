// Address classes of flow-log peers (flow_peer_class.hpp). The blocks are held in the
// address-list matcher the weblog noise filter uses.
#include "pipeline/aws/flow_peer_class.hpp"

#include "sqltriage/checks.hpp"

namespace sqltriage::pipeline::aws {

void check_vpc_cidrs(const std::vector<std::string>& vpc_cidrs) {
  weblog::NoiseFilter::from_values(vpc_cidrs, "--vpc-cidr");
}

PeerClassifier::PeerClassifier(std::string_view host, const std::vector<std::string>& vpc_cidrs) {
  std::vector<std::string> blocks = vpc_cidrs;
  const std::string h(host);
  // A real IPv6 host (not ::ffff:a.b.c.d): its /56 is the VPC's block.
  if (h.find(':') != std::string::npos && h.find('.') == std::string::npos &&
      checks::classify_ip(h) != "invalid")
    blocks.push_back(h + "/" + std::to_string(kVpcIpv6Prefix));  // the host's IPv6 /56
  if (!blocks.empty()) nets_ = weblog::NoiseFilter::from_values(blocks, "--vpc-cidr");
}

std::string PeerClassifier::classify(std::string_view address) const {
  std::string cls = checks::classify_ip(address);
  if (cls != "public" || !nets_) return cls;
  return nets_->match(std::string(address)) ? "vpc" : cls;
}

}  // namespace sqltriage::pipeline::aws
