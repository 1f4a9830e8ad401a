// Internal to the weblog scan: a logged request as JSON, by its W3C field names.
#pragma once

#include <nlohmann/json.hpp>

#include "sqltriage/weblog.hpp"

namespace sqltriage::pipeline::weblog_scan {

/// The fields the log recorded, named as IIS names them whatever the log's format (Apache's
/// %h is "c-ip", %I "cs-bytes", %D "time-taken" in milliseconds): "time" (ISO 8601 UTC),
/// "c-ip", "cs-username", "cs-method", "cs-uri-stem", "cs-uri-query", "cs-version",
/// "sc-status", "sc-substatus", "sc-win32-status", "sc-bytes", "cs-bytes", "time-taken",
/// "cs(User-Agent)", "cs(Referer)", "s-ip", "s-port", "s-sitename", "s-computername". Fields
/// not recorded (or "-") are left out.
nlohmann::ordered_json request_json(const weblog::Request& r);

}  // namespace sqltriage::pipeline::weblog_scan
