// JSP / JSPX webshells (Java in scriptlets, declarations or <jsp:scriptlet> elements).
//
// Request input means the request object's getParameter*, getHeader*, getQueryString,
// getInputStream and getReader. A page holding only one of a source and a sink (a form, or
// Runtime.getRuntime().freeMemory()) does not match. See rules/README.md.

rule jsp_exec_request_direct
{
    meta:
        description = "Runs an OS command taken straight from the request: Runtime.exec / ProcessBuilder of request.getParameter(...)"
        severity = "critical"
        attack = "T1505.003"
        language = "jsp"
    strings:
        $a = /(\.exec|new\s+ProcessBuilder)\s*\(\s*(new\s+String\s*\[\s*\]\s*\{[^}]{0,60})?request\s*\.\s*get(Parameter|Header|QueryString)/ nocase
    condition:
        $a
}

rule jsp_exec_with_request
{
    meta:
        description = "Runs an OS command (Runtime.getRuntime().exec or ProcessBuilder.start) in a page that reads request input"
        severity = "high"
        attack = "T1505.003"
        language = "jsp"
    strings:
        $rtexec = /getRuntime\s*\(\s*\)\s*\.\s*exec\s*\(/
        $rtvar = /\bRuntime\s+\w{1,30}\s*=\s*(java\.lang\.)?Runtime\s*\.\s*getRuntime\s*\(/
        $exec = /\.\s*exec\s*\(/
        $pb = /new\s+ProcessBuilder\s*\(/
        $start = /\.\s*start\s*\(\s*\)/
        $src = /request\s*\.\s*get(Parameter|ParameterValues|ParameterMap|Header|QueryString|InputStream|Reader)\s*\(/
    condition:
        $src and ($rtexec or ($rtvar and $exec) or ($pb and $start))
}

rule jsp_reverse_shell
{
    meta:
        description = "Reverse shell: starts a process and pipes its input and output through a network socket"
        severity = "critical"
        attack = "T1505.003"
        language = "jsp"
    strings:
        $sock = /new\s+(java\.net\.)?Socket\s*\(/
        $rtexec = /getRuntime\s*\(\s*\)\s*\.\s*exec\s*\(/
        $rtvar = /\bRuntime\s+\w{1,30}\s*=\s*(java\.lang\.)?Runtime\s*\.\s*getRuntime\s*\(/
        $exec = /\.\s*exec\s*\(/
        $pb = /new\s+ProcessBuilder\s*\(/
        $in = /\.\s*getInputStream\s*\(\s*\)/
        $out = /\.\s*getOutputStream\s*\(\s*\)/
    condition:
        $sock and ($rtexec or ($rtvar and $exec) or $pb) and $in and $out
}

rule jsp_define_class_from_request
{
    meta:
        description = "Defines a Java class from bytes (a ClassLoader subclass calling defineClass) in a page that reads request input: runs attacker-supplied bytecode"
        severity = "critical"
        attack = "T1505.003"
        language = "jsp"
    strings:
        $loader = "ClassLoader"
        $define = /\bdefineClass\s*\(/
        $src = /request\s*\.\s*get(Parameter|Header|InputStream|Reader)\s*\(/
    condition:
        all of them
}

rule jsp_encrypted_channel
{
    meta:
        description = "Encrypted-channel shell: request data decrypted with a symmetric key (javax.crypto Cipher), the class or key kept in the session, and the result loaded as a class"
        family = "Behinder/Godzilla-style"
        severity = "critical"
        attack = "T1505.003"
        language = "jsp"
    strings:
        $cipher = /Cipher\s*\.\s*getInstance\s*\(/
        $key = "SecretKeySpec"
        $sess = /session\s*\.\s*(putValue|setAttribute)\s*\(/
        $define = /\bdefineClass\s*\(/
        $src = /request\s*\.\s*get(Parameter|Header|InputStream|Reader)\s*\(/
    condition:
        $cipher and $key and $sess and $define and $src
}

rule jsp_hidden_reflection
{
    meta:
        description = "Reflection on class or method names built from byte or char arrays (new String(new byte[]{...})) with getMethod/invoke, in a page that reads request input: hides Runtime.exec and the like"
        severity = "high"
        attack = "T1505.003"
        language = "jsp"
    strings:
        $bytes = /new\s+String\s*\(\s*new\s+(byte|char)\s*\[\s*\]\s*\{\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*,/
        $forname = /Class\s*\.\s*forName\s*\(/
        $getm = /\.\s*getMethod\s*\(/
        $invoke = /\.\s*invoke\s*\(/
        $src = /request\s*\.\s*get(Parameter|Header|QueryString|InputStream|Reader)\s*\(/
    condition:
        $bytes and ($forname or $getm) and $invoke and $src
}

rule jsp_script_engine_request
{
    meta:
        description = "Evaluates request data with a JVM script engine (ScriptEngineManager ... eval)"
        severity = "critical"
        attack = "T1505.003"
        language = "jsp"
    strings:
        $mgr = "ScriptEngineManager"
        $eval = /\.\s*eval\s*\(/
        $src = /request\s*\.\s*get(Parameter|Header|QueryString|InputStream|Reader)\s*\(/
    condition:
        all of them
}

rule jsp_write_request_path
{
    meta:
        description = "Uploader: opens a FileOutputStream / FileWriter on a path taken straight from the request"
        severity = "high"
        attack = "T1505.003"
        language = "jsp"
    strings:
        $a = /new\s+(java\.io\.)?(FileOutputStream|FileWriter|RandomAccessFile)\s*\(\s*(new\s+(java\.io\.)?File\s*\(\s*)?([\w.()"'\/]{1,60}\s*\+\s*)?request\s*\.\s*getParameter/
    condition:
        $a
}

rule jsp_file_manager
{
    meta:
        description = "File manager: lists folders or roots and deletes, renames or writes files, in a page that reads request input"
        severity = "medium"
        attack = "T1505.003"
        language = "jsp"
    strings:
        $src = /request\s*\.\s*getParameter\s*\(/
        $list1 = /\.\s*listFiles\s*\(/
        $list2 = /File\s*\.\s*listRoots\s*\(/
        $op1 = /\.\s*delete\s*\(\s*\)/
        $op2 = /\.\s*renameTo\s*\(/
        $op3 = /new\s+FileOutputStream\s*\(/
        $op4 = /new\s+FileInputStream\s*\(/
    condition:
        $src and any of ($list*) and 2 of ($op*)
}
