// Named sections of the findings document (FindingSink::section): where the JSON and JSON
// Lines writers put them, read back by an independent parser (jq).
#include <catch2/catch.hpp>

#include <sstream>

#include "sqltriage/output.hpp"
#include "support.hpp"

namespace {

sqltriage::Finding one_finding() {
  sqltriage::Finding f;
  f.type = "evtx.logon";
  f.summary = "a logon";
  f.artifact.path = "Security.evtx";
  return f;
}

std::string jq(const std::string& filter, const std::string& text) {
  sqltriage::test::TempDir tmp;
  const auto file = tmp.path() / "doc.json";
  sqltriage::test::write_file(file, text);
  const auto r = sqltriage::test::run("jq -c " + sqltriage::test::shell_quote(filter) + " " +
                                      sqltriage::test::shell_quote(file.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("a section given before the findings follows the header, one given after them precedes the stats",
          "[output]") {
  if (!sqltriage::test::tool_or_skip("jq")) return;
  std::ostringstream out;
  auto w = sqltriage::make_json_writer(out);
  sqltriage::DocumentHeader h;
  h.command = "investigate";
  w->begin(h);
  w->section("verdict", {{"overall", "high"}});
  w->finding(one_finding());
  w->section("late", {{"n", 1}});
  w->error(sqltriage::make_error("x", "missing", "absent"));
  w->end({});
  CHECK(jq("keys_unsorted", out.str()) ==
        "[\"schema\",\"tool\",\"command\",\"evidence\",\"started\",\"verdict\",\"findings\","
        "\"errors\",\"late\",\"stats\"]\n");
  CHECK(jq(".verdict.overall, (.findings | length), .late.n", out.str()) == "\"high\"\n1\n1\n");

  // No finding at all: the document is still whole.
  std::ostringstream empty;
  auto e = sqltriage::make_json_writer(empty);
  e->begin(h);
  e->section("verdict", {{"overall", "info"}});
  e->end({});
  CHECK(jq("[.verdict.overall, (.findings | length)]", empty.str()) == "[\"info\",0]\n");
}

TEST_CASE("JSON Lines writes a section as a line of its own record_type", "[output]") {
  if (!sqltriage::test::tool_or_skip("jq")) return;
  std::ostringstream out;
  auto w = sqltriage::make_jsonl_writer(out);
  w->begin({});
  w->section("verdict", {{"overall", "high"}});
  w->finding(one_finding());
  w->end({});
  CHECK(jq(".record_type", out.str()) == "\"header\"\n\"verdict\"\n\"finding\"\n\"stats\"\n");
  CHECK(jq("select(.record_type == \"verdict\") | .overall", out.str()) == "\"high\"\n");
}
