// IAM wildcard patterns as small automata: position i of a pattern is a state; '*' loops on
// any character and may be skipped, '?' consumes any one character, a literal consumes
// itself. Overlap explores the product of two such automata, cover the product of the inner
// one with the subset construction of the outer ones.
#include "artifacts/aws/iam_glob.hpp"

#include <algorithm>
#include <deque>
#include <set>
#include <utility>

#include "core/ascii.hpp"

namespace sqltriage::aws::glob {

namespace {

/// A character no pattern holds: stands for "any other character".
constexpr char kOther = '\x01';
/// States explored by cover(), and outer-state steps taken, before it gives up (answers false).
constexpr std::size_t kMaxCoverStates = 20000;
constexpr std::size_t kMaxCoverWork = 2000000;

thread_local std::size_t budget_left = 0;
thread_local bool bounded = false;
thread_local bool spent = false;

/// Takes `units` from the budget; false when it is spent.
bool charge(std::size_t units) {
  if (!bounded) return true;
  if (spent || units > budget_left) {
    spent = true;
    return false;
  }
  budget_left -= units;
  return true;
}

char norm(char c, bool fold) { return fold ? ascii_lower(c) : c; }

bool is_literal(char c) { return c != '*' && c != '?'; }

/// Where position `i` of `p` goes on character `c`: -1 when nowhere.
long step(std::string_view p, std::size_t i, char c, bool fold) {
  if (i >= p.size()) return -1;
  if (p[i] == '*') return static_cast<long>(i);
  if (p[i] == '?' || norm(p[i], fold) == c) return static_cast<long>(i + 1);
  return -1;
}

/// The positions a set of (pattern, position) states reaches without consuming: past stars.
using State = std::pair<std::size_t, std::size_t>;  // (pattern index, position)
void close(const std::vector<std::string>& ps, std::set<State>& states) {
  std::vector<State> todo(states.begin(), states.end());
  while (!todo.empty()) {
    const auto [k, i] = todo.back();
    todo.pop_back();
    if (i < ps[k].size() && ps[k][i] == '*' && states.insert({k, i + 1}).second)
      todo.push_back({k, i + 1});
  }
}

bool accepts(const std::vector<std::string>& ps, const std::set<State>& states) {
  return std::any_of(states.begin(), states.end(),
                     [&](const State& s) { return s.second == ps[s.first].size(); });
}

}  // namespace

void set_budget(std::size_t units) {
  bounded = units > 0;
  budget_left = units;
  spent = false;
}

bool budget_spent() { return spent; }

bool matches_everything(std::string_view pattern) {
  return !pattern.empty() && pattern.find_first_not_of('*') == std::string_view::npos;
}

bool match(std::string_view p, std::string_view t, bool fold) {
  std::size_t i = 0, j = 0, star = std::string_view::npos, mark = 0;
  while (j < t.size()) {
    if (i < p.size() && p[i] == '*') {
      star = i++;
      mark = j;
    } else if (i < p.size() && (p[i] == '?' || norm(p[i], fold) == norm(t[j], fold))) {
      ++i;
      ++j;
    } else if (star != std::string_view::npos) {
      i = star + 1;
      j = ++mark;
    } else {
      return false;
    }
  }
  while (i < p.size() && p[i] == '*') ++i;
  return i == p.size();
}

bool overlap(std::string_view a, std::string_view b, bool fold) {
  const std::size_t w = b.size() + 1;
  if (!charge((a.size() + 1) * w / 16 + 1)) return true;
  std::vector<bool> seen((a.size() + 1) * w, false);
  std::vector<State> todo{{0, 0}};
  seen[0] = true;
  auto visit = [&](std::size_t i, std::size_t j) {
    if (!seen[i * w + j]) {
      seen[i * w + j] = true;
      todo.push_back({i, j});
    }
  };
  while (!todo.empty()) {
    const auto [i, j] = todo.back();
    todo.pop_back();
    if (i == a.size() && j == b.size()) return true;
    if (i < a.size() && a[i] == '*') visit(i + 1, j);
    if (j < b.size() && b[j] == '*') visit(i, j + 1);
    if (i == a.size() || j == b.size()) continue;
    char candidates[3] = {kOther, kOther, kOther};
    if (is_literal(a[i])) candidates[0] = norm(a[i], fold);
    if (is_literal(b[j])) candidates[1] = norm(b[j], fold);
    for (const char c : candidates) {
      const long ni = step(a, i, c, fold), nj = step(b, j, c, fold);
      if (ni >= 0 && nj >= 0) visit(static_cast<std::size_t>(ni), static_cast<std::size_t>(nj));
    }
  }
  return false;
}

bool cover(const std::vector<std::string>& outer, std::string_view inner, bool fold) {
  if (std::any_of(outer.begin(), outer.end(),
                  [](const std::string& p) { return matches_everything(p); }))
    return true;
  // A state: the inner position and the closed set of outer states it may be in.
  using Node = std::pair<std::size_t, std::set<State>>;
  std::set<Node> seen;
  std::deque<Node> todo;
  std::set<State> start;
  for (std::size_t k = 0; k < outer.size(); ++k) start.insert({k, 0});
  close(outer, start);
  todo.push_back({0, start});
  seen.insert(todo.front());
  std::size_t work = 0;
  while (!todo.empty()) {
    if (seen.size() > kMaxCoverStates || work > kMaxCoverWork) return false;
    const Node node = std::move(todo.front());
    todo.pop_front();
    const auto& [i, states] = node;
    if (i == inner.size() && !accepts(outer, states)) return false;  // inner ends, outer cannot
    if (i < inner.size() && inner[i] == '*') {
      Node skip{i + 1, states};
      if (seen.insert(skip).second) todo.push_back(std::move(skip));
    }
    if (i == inner.size()) continue;
    std::set<char> candidates;
    if (is_literal(inner[i])) {
      candidates.insert(norm(inner[i], fold));
    } else {
      candidates.insert(kOther);
      for (const auto& [k, pos] : states)
        if (pos < outer[k].size() && is_literal(outer[k][pos]))
          candidates.insert(norm(outer[k][pos], fold));
    }
    for (const char c : candidates) {
      const long ni = step(inner, i, c, fold);
      if (ni < 0) continue;
      std::set<State> next;
      work += states.size() + 1;
      if (!charge(states.size() + 1)) return false;
      for (const auto& [k, pos] : states) {
        const long np = step(outer[k], pos, c, fold);
        if (np >= 0) next.insert({k, static_cast<std::size_t>(np)});
      }
      close(outer, next);
      if (next.empty()) return false;  // inner goes on where no outer pattern can follow
      Node n{static_cast<std::size_t>(ni), std::move(next)};
      if (seen.insert(n).second) todo.push_back(std::move(n));
    }
  }
  return true;
}

}  // namespace sqltriage::aws::glob
