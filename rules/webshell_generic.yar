// Obfuscation markers shared by webshells in every server-side language.
//
// These rules look at how code is hidden (encoded names, character-code chains, reversed
// keywords, long encoded payloads) rather than at one language's API. The weak ones (a long
// encoded literal alone) are low or medium; the ones that hide a dangerous name or request
// handling are high. See rules/README.md.

rule generic_base64_encoded_request_code
{
    meta:
        description = "A base64 literal that decodes to code evaluating or executing request data (eval($_POST, Request.Item[, getRuntime().exec(, ...)"
        severity = "high"
        attack = "T1505.003"
        language = "any"
    strings:
        $p1 = "eval($_POST" base64
        $p2 = "eval($_GET" base64
        $p3 = "eval($_REQUEST" base64
        $p4 = "eval($_COOKIE" base64
        $p5 = "assert($_POST" base64
        $p6 = "assert($_REQUEST" base64
        $p7 = "system($_" base64
        $p8 = "shell_exec($_" base64
        $p9 = "passthru($_" base64
        $n1 = "eval(Request" base64
        $n2 = "Request.Item[" base64
        $n3 = "Process.Start(" base64
        $n4 = "Assembly.Load(" base64
        $v1 = "Execute(Request(" base64
        $v2 = "execute request(" base64
        $j1 = "getRuntime().exec(" base64
        $j2 = "request.getParameter(" base64
    condition:
        any of them
}

rule generic_decoded_function_name
{
    meta:
        description = "A decode call (base64_decode, FromBase64String, atob, Base64 decoders) whose literal argument is the name of a code-running function or class (assert, system, WScript.Shell, java.lang.Runtime, ...)"
        severity = "high"
        attack = "T1505.003"
        language = "any"
    strings:
        $dec = /(base64_decode|FromBase64String|atob|decodeBuffer|[Dd]ecoder\(\)\s*\.\s*decode|b64decode)\s*\(\s*["']/
        $f1 = "assert" base64
        $f2 = "system" base64
        $f3 = "shell_exec" base64
        $f4 = "passthru" base64
        $f5 = "create_function" base64
        $f6 = "proc_open" base64
        $f7 = "call_user_func" base64
        $f8 = "WScript.Shell" base64
        $f9 = "java.lang.Runtime" base64
        $f10 = "System.Diagnostics.Process" base64
        $f11 = "System.Reflection.Assembly" base64
        $f12 = "cmd.exe" base64
        $f13 = "/bin/sh" base64
        $f14 = "eval(" base64
    condition:
        for any i in (1..#dec) : (
            for any of ($f*) : ($ in (@dec[i] + !dec[i] .. @dec[i] + !dec[i] + 3))
        )
}

rule generic_chr_chain
{
    meta:
        description = "A name or command spelled as a chain of character codes: chr()/ChrW()/ChrB() joined eight times, String.fromCharCode with ten or more codes, or (char) casts chained"
        severity = "medium"
        attack = "T1505.003"
        language = "any"
    strings:
        $chr = /chr[bw]?\s*\(\s*\d{1,3}\s*\)\s*[.&+]\s*chr[bw]?\s*\(\s*\d{1,3}\s*\)\s*[.&+]\s*chr[bw]?\s*\(\s*\d{1,3}\s*\)\s*[.&+]\s*chr[bw]?\s*\(\s*\d{1,3}\s*\)\s*[.&+]\s*chr[bw]?\s*\(\s*\d{1,3}\s*\)\s*[.&+]\s*chr[bw]?\s*\(\s*\d{1,3}\s*\)\s*[.&+]\s*chr[bw]?\s*\(\s*\d{1,3}\s*\)\s*[.&+]\s*chr[bw]?\s*\(\s*\d{1,3}\s*\)/ nocase
        $fcc = /fromCharCode\s*\(\s*(\d{1,3}\s*,\s*){9}\d{1,3}/
        $cast = /\(\s*char\s*\)\s*\d{2,3}\s*\+\s*\(\s*char\s*\)\s*\d{2,3}\s*\+\s*\(\s*char\s*\)\s*\d{2,3}\s*\+\s*\(\s*char\s*\)\s*\d{2,3}\s*\+\s*\(\s*char\s*\)\s*\d{2,3}/
    condition:
        any of them
}

rule generic_reversed_keyword
{
    meta:
        description = "String reversal (strrev, StrReverse, .reverse()) applied to a reversed literal of a code-running name (\"tressa\", \"metsys\", \"llehS.tpircSW\", ...), or a reversed string passed straight to eval/assert/Execute"
        severity = "high"
        attack = "T1505.003"
        language = "any"
    strings:
        $rev1 = /\b(strrev|StrReverse)\s*\(/ nocase
        $rev2 = /\.\s*reverse\s*\(\s*\)/
        $kw = /["'](tressa|metsys|cexe_llehs|urhtssap|nepo_corp|edoced_46esab|etalfnizg|noitcnuf_etaerc|llehs\.tpircsw|emitnur\.gnal\.avaj|ssecorp\.scitsongaid\.metsys|labolgetucexe|etucexe|lave)["']/ nocase
        $direct = /\b(eval|assert|execute|executeglobal)\s*\(?\s*(strrev|StrReverse)\s*\(/ nocase
    condition:
        $direct or (any of ($rev*) and $kw)
}

rule generic_decode_long_literal
{
    meta:
        description = "A decode call (base64, hex, gzip) applied to a literal of 400 or more encoded characters: a packed payload"
        severity = "medium"
        attack = "T1505.003"
        language = "any"
    strings:
        $b64 = /(base64_decode|FromBase64String|atob|decodeBuffer|[Dd]ecoder\(\)\s*\.\s*decode|b64decode)\s*\(\s*["'][A-Za-z0-9+\/]{400}/
        $hex = /(hex2bin|pack\s*\(\s*["']H\*["']\s*,)\s*["'][0-9a-fA-F]{400}/
    condition:
        any of them
}

rule generic_hex_escape_run
{
    meta:
        description = "A run of 40 or more \\xNN escapes in a string literal: text hidden from readers (a long run is also a packed payload)"
        severity = "low"
        attack = "T1505.003"
        language = "any"
    strings:
        $a = /\\x[0-9a-fA-F]{2}\\x[0-9a-fA-F]{2}\\x[0-9a-fA-F]{2}\\x[0-9a-fA-F]{2}(\\x[0-9a-fA-F]{2}){36}/
    condition:
        $a
}
