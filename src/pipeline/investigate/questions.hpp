// The investigation's reasoning: which files are the subjects, when each was created (the
// pivot), and the answer to each of the four questions, from the findings in the context.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/investigate/context.hpp"

namespace sqltriage::investigation {

/// The subjects for the targets, from the mft.entry findings, else the pe.file findings,
/// else the paths events give for the target's name, else the target itself (found =
/// false). Each subject's `finding` is its mft.entry (or pe.file) finding.
std::vector<Subject> find_subjects(const Context& ctx);

/// Fills subject.pivot: the candidates and the chosen time (or --pivot), and the window.
void choose_pivot(const Context& ctx, Subject& subject);

/// Whether a finding is about the subject's file (a data field names its path, or its
/// name when the subject is only a name).
bool about(const Finding& f, const Subject& subject);

QuestionAnswer answer_what(const Context& ctx, const Subject& subject);
QuestionAnswer answer_dropped(const Context& ctx, const Subject& subject);
QuestionAnswer answer_ran(const Context& ctx, const Subject& subject);
/// `suspicion`: the highest severity of the first three answers. Calls and flows after the
/// pivot count in full only inside the subject's window or when the file itself is suspect
/// (medium or above); otherwise, being the host's and not the file's, as low at most.
QuestionAnswer answer_reach(const Context& ctx, const Subject& subject, Severity suspicion);

/// The subject's severity, assessment and notable window findings, from its answers.
void assess_subject(const Context& ctx, Subject& subject);
/// The report's overall severity and assessment, from its subjects and errors.
void assess_report(InvestigationReport& report);

/// Names of artifacts the errors say were absent or unreadable, matched by the artifact
/// path: e.g. "Sysmon log (Microsoft-Windows-Sysmon%4Operational.evtx)" when an error names it.
/// `needles` are (path fragment, artifact name) pairs.
std::vector<std::string> missing_artifacts(
    const Context& ctx, const std::vector<std::pair<std::string, std::string>>& needles);

}  // namespace sqltriage::investigation
