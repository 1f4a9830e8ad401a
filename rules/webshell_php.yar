// PHP webshells.
//
// Request input means the superglobals $_GET, $_POST, $_REQUEST, $_COOKIE, client headers
// ($_SERVER['HTTP_*'], getallheaders()), the raw body (php://input) and the PHP 4 arrays
// $HTTP_GET_VARS / $HTTP_POST_VARS. Sinks are preceded by a character that is not part of a
// name, "->" or "::", so curl_exec() and PDO's ->exec() do not count. See rules/README.md.

rule php_exec_request_direct
{
    meta:
        description = "Runs an OS command taken straight from the request: system/exec/shell_exec/passthru/popen/proc_open or backticks around request data"
        severity = "critical"
        attack = "T1505.003"
        language = "php"
    strings:
        $call = /[^\w>:$](system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\s*\(\s*@?\s*(\$_(GET|POST|REQUEST|COOKIE)\b|\$_SERVER\s*\[\s*['"]HTTP_|\$HTTP_(GET|POST)_VARS\b)/ nocase
        $tick = /`[^`\n]{0,40}\{?\$_(GET|POST|REQUEST|COOKIE)\s*\[/
    condition:
        any of them
}

rule php_exec_near_request
{
    meta:
        description = "Runs an OS command (system/exec/shell_exec/passthru/popen/proc_open) within 400 bytes after reading request input"
        severity = "high"
        attack = "T1505.003"
        language = "php"
    strings:
        $sink = /[^\w>:$](system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\s*\(/ nocase
        $src1 = /\$_(GET|POST|REQUEST|COOKIE)\s*\[/
        $src2 = /\$_SERVER\s*\[\s*['"]HTTP_/
        $src3 = "php://input"
        $src4 = /\$HTTP_(GET|POST)_VARS\s*\[/
    condition:
        for any i in (1..#sink) : (
            for any of ($src*) : ($ in (@sink[i] - 400 .. @sink[i]))
        )
}

rule php_eval_request
{
    meta:
        description = "Evaluates request data as PHP: eval/assert/create_function/call_user_func/array_map of request input, or a request value called as a function (China Chopper style one-liner)"
        severity = "critical"
        attack = "T1505.003"
        language = "php"
    strings:
        $eval = /[^\w>:$](eval|assert)\s*\(\s*@?\s*(["'][^"'\n]{0,20}["']\s*\.\s*)?((base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|hex2bin|stripslashes|trim|urldecode|rawurldecode|convert_uudecode|file_get_contents)\s*\(\s*@?\s*){0,4}(\$_(GET|POST|REQUEST|COOKIE)\b|\$_SERVER\s*\[\s*['"]HTTP_|\$HTTP_(GET|POST)_VARS\b|["']php:\/\/input)/ nocase
        $cb = /[^\w>:$](create_function|call_user_func|call_user_func_array|array_map|register_shutdown_function|register_tick_function)\s*\(\s*@?\s*\$_(GET|POST|REQUEST|COOKIE)\b/ nocase
        $called = /\$_(GET|POST|REQUEST|COOKIE)\s*\[[^\]\n]{1,40}\]\s*\(/
    condition:
        any of them
}

rule php_dynamic_call_request
{
    meta:
        description = "Calls a function whose name is held in a variable with request data as its argument ($f($_POST[...])), the way assert and system are hidden"
        severity = "high"
        attack = "T1505.003"
        language = "php"
    strings:
        $a = /\$\w{1,40}\s*\(\s*@?\s*\$_(GET|POST|REQUEST|COOKIE)\s*\[/
        $b = /\$\{?\s*['"]?_(GET|POST|REQUEST|COOKIE)['"]?\s*\}?\s*\[[^\]\n]{1,40}\]\s*\(\s*\$/
    condition:
        any of them
}

rule php_decoded_eval
{
    meta:
        description = "Evaluates decoded text: eval/assert of base64_decode/gzinflate/str_rot13/strrev/hex2bin, or create_function whose body is decoded or comes from the request"
        severity = "high"
        attack = "T1505.003"
        language = "php"
    strings:
        $eval = /[^\w>:$](eval|assert)\s*\(\s*@?\s*(base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|hex2bin|convert_uudecode|rawurldecode|urldecode)\s*\(/ nocase
        $cf = /create_function\s*\([^,;]{0,40},\s*@?\s*(base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|hex2bin|\$_(GET|POST|REQUEST|COOKIE)\b)/ nocase
    condition:
        any of them
}

rule php_encrypted_channel
{
    meta:
        description = "Encrypted-channel shell: request data decrypted with a key (indexed XOR loop or openssl/mcrypt), kept in $_SESSION, and evaluated"
        family = "Behinder/Godzilla-style"
        severity = "critical"
        attack = "T1505.003"
        language = "php"
    strings:
        $sess = /\$_SESSION\s*\[/
        // an indexed byte XORed with an indexed key byte: $d[$i]^$k[...]
        $xor1 = "]^$"
        $xor2 = "] ^ $"
        $ossl = /(openssl_decrypt|mcrypt_decrypt)\s*\(/ nocase
        $eval = /[^\w>:$](eval|assert)\s*\(/ nocase
        $src1 = "php://input"
        $src2 = /\$_(GET|POST|REQUEST|COOKIE)\s*\[/
    condition:
        $sess and (any of ($xor*) or $ossl) and $eval and any of ($src*)
}

rule php_write_request_path
{
    meta:
        description = "Uploader / file writer: writes, copies or moves a file to a path taken straight from the request"
        severity = "high"
        attack = "T1505.003"
        language = "php"
    strings:
        $first = /[^\w>:$](file_put_contents|copy|rename|symlink)\s*\(\s*@?\s*\$_(GET|POST|REQUEST|COOKIE)\b/ nocase
        $fopen = /[^\w>:$]fopen\s*\(\s*@?\s*\$_(GET|POST|REQUEST|COOKIE)\s*\[[^\]]{1,40}\]\s*,\s*['"][wax]/ nocase
        $dest = /move_uploaded_file\s*\([^,;]{1,80},[^;)]{0,40}\$_(GET|POST|REQUEST|COOKIE)\b/ nocase
    condition:
        any of them
}

rule php_include_request
{
    meta:
        description = "Includes or requires a file named by the request (remote/local file inclusion used as a loader)"
        severity = "medium"
        attack = "T1505.003"
        language = "php"
    strings:
        $a = /[^\w>:$](include|include_once|require|require_once)\s*\(?\s*@?\s*\$_(GET|POST|REQUEST|COOKIE)\b/ nocase
    condition:
        $a
}

rule php_file_manager
{
    meta:
        description = "File manager: folder listing together with serving, deleting, renaming, chmod or uploading files, in a script that reads the request"
        severity = "medium"
        attack = "T1505.003"
        language = "php"
    strings:
        $src = /\$_(GET|POST|REQUEST)\s*\[/
        $list = /[^\w>:$](opendir|scandir|readdir|glob)\s*\(/ nocase
        $op1 = /[^\w>:$](fpassthru|readfile)\s*\(/ nocase
        $op2 = /[^\w>:$](unlink|rmdir)\s*\(/ nocase
        $op3 = /[^\w>:$]move_uploaded_file\s*\(/ nocase
        $op4 = /[^\w>:$]chmod\s*\(/ nocase
        $op5 = /[^\w>:$]rename\s*\(/ nocase
        $op6 = /[^\w>:$]file_put_contents\s*\(/ nocase
    condition:
        $src and $list and 2 of ($op*)
}

rule php_preg_replace_eval_modifier
{
    meta:
        description = "preg_replace with the /e modifier, which evaluates the replacement as PHP (removed in PHP 7; a classic hidden eval)"
        severity = "medium"
        attack = "T1505.003"
        language = "php"
    strings:
        $a = /preg_replace\s*\(\s*["'][^"'\n]{2,200}[\/#|~!@%][imsxuADSUX]{0,6}e[imsxuADSUX]{0,6}["']\s*,/
    condition:
        $a
}
