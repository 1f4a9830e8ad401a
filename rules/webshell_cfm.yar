// ColdFusion webshells (.cfm / .cfc), in tags or cfscript.
//
// Request input means the URL, FORM and COOKIE scopes and client headers in CGI.HTTP_*.
// See rules/README.md.

rule cfm_execute_request
{
    meta:
        description = "cfexecute (or cfscript execute) whose program or arguments come from the URL, FORM or COOKIE scope"
        severity = "critical"
        attack = "T1505.003"
        language = "cfm"
    strings:
        $tag = /<cfexecute\b[^>]{0,300}#\s*(url|form|cookie|cgi\.http_)\w*\s*[.\[]/ nocase
        $script = /\bcfexecute\s*\([^;]{0,300}\b(url|form|cookie)\s*[.\[]/ nocase
    condition:
        any of them
}

rule cfm_execute_with_request
{
    meta:
        description = "cfexecute in a page that reads the URL or FORM scope (the command may arrive through a variable)"
        severity = "high"
        attack = "T1505.003"
        language = "cfm"
    strings:
        $exec1 = /<cfexecute\b/ nocase
        $exec2 = /\bcfexecute\s*\(/ nocase
        $src = /\b(url|form)\s*\.\s*\w{1,40}/ nocase
    condition:
        any of ($exec*) and $src
}

rule cfm_evaluate_request
{
    meta:
        description = "Evaluate / PrecisionEvaluate / iif of URL, FORM or COOKIE data: runs request data as CFML expressions"
        severity = "critical"
        attack = "T1505.003"
        language = "cfm"
    strings:
        $a = /\b(evaluate|precisionevaluate|iif)\s*\(\s*["']?#?\s*(url|form|cookie)\s*[.\[]/ nocase
    condition:
        $a
}

rule cfm_java_runtime
{
    meta:
        description = "Creates java.lang.Runtime or java.lang.ProcessBuilder from CFML (createObject(\"java\", ...)) to run OS commands"
        severity = "high"
        attack = "T1505.003"
        language = "cfm"
    strings:
        $a = /createObject\s*\(\s*["']java["']\s*,\s*["']java\.lang\.(Runtime|ProcessBuilder)["']/ nocase
        $b = /<cfobject\b[^>]{0,200}java\.lang\.(Runtime|ProcessBuilder)/ nocase
    condition:
        any of them
}

rule cfm_file_write_request
{
    meta:
        description = "cffile upload/write/copy/move whose destination, file name or content comes from the URL or FORM scope"
        severity = "high"
        attack = "T1505.003"
        language = "cfm"
    strings:
        $a = /<cffile\b[^>]{0,300}\b(destination|file|output)\s*=\s*["']#\s*(url|form)\s*[.\[]/ nocase
        $b = /\bfileWrite\s*\(\s*#?\s*(url|form)\s*[.\[]/ nocase
    condition:
        any of them
}
