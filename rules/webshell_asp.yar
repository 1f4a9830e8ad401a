// Classic ASP webshells: .asp / .asa / .cer pages in VBScript or JScript.
//
// ASP.NET pages (a <%@ Page / Control / WebHandler / WebService / Master directive) are left to
// webshell_aspnet.yar: their data binding Eval("Field") and C# methods named Execute would
// otherwise look like VBScript's Execute statement. See rules/README.md.

rule asp_execute_request_direct
{
    meta:
        description = "VBScript Execute / ExecuteGlobal / Eval, or JScript eval, applied directly to request or session data (one-line backdoor)"
        severity = "critical"
        attack = "T1505.003"
        language = "asp"
    strings:
        $a = /[^.\w](execute|executeglobal|eval)\s*\(?\s*\b(request|session)\s*(\.\s*(form|querystring|item|cookies)\s*)?[(\[]/ nocase
        $ctx1 = "<%"
        $ctx2 = /<script[^>]{0,80}runat\s*=\s*["']?server/ nocase
    condition:
        ($a)
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule asp_execute_with_request
{
    meta:
        description = "Runs a string as VBScript code (the Execute / ExecuteGlobal statement, not an ADO or Server .Execute method) in a page that reads the request"
        severity = "high"
        attack = "T1505.003"
        language = "asp"
    strings:
        $exec = /(^|[\r\n:%]|\bthen|\belse)[ \t]*(execute|executeglobal)([ \t]*\(|[ \t]+\w{1,40}[ \t]*[\r\n:%(])/ nocase
        $src1 = /\brequest\s*(\.\s*(form|querystring|item|cookies)\s*)?[(\[]/ nocase
        $src2 = "Request.BinaryRead" nocase
        $net1 = /<%@\s*(Page|Control|WebHandler|WebService|Master)\b/ nocase
        $ctx1 = "<%"
        $ctx2 = /<script[^>]{0,80}runat\s*=\s*["']?server/ nocase
    condition:
        ($exec and any of ($src*) and not any of ($net*))
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule asp_xor_decoded_execute
{
    meta:
        description = "Encrypted-channel shell: the raw request body (BinaryRead) is XOR-decoded with a key (often kept in Session) and executed"
        family = "Behinder-style"
        severity = "critical"
        attack = "T1505.003"
        language = "asp"
    strings:
        $body = "Request.BinaryRead" nocase
        $xor = /\bXor\s+(Asc|AscB|AscW|CByte|CInt)\s*\(/ nocase
        $exec = /(^|[\r\n:%]|\bthen|\belse)[ \t]*(execute|executeglobal|eval)([ \t]*\(|[ \t]+\w{1,40}[ \t]*[\r\n:%(])/ nocase
        $ctx1 = "<%"
        $ctx2 = /<script[^>]{0,80}runat\s*=\s*["']?server/ nocase
    condition:
        $body and $xor and $exec and any of ($ctx*)
        and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule asp_shell_object_with_request
{
    meta:
        description = "Creates a WScript.Shell or Shell.Application object and runs a command (Exec / Run / ShellExecute) in a page that reads the request"
        severity = "high"
        attack = "T1505.003"
        language = "asp"
    strings:
        $obj1 = /CreateObject\s*\(\s*["']WScript\.Shell["']/ nocase
        $obj2 = /CreateObject\s*\(\s*["']Shell\.Application["']/ nocase
        $obj3 = /new\s+ActiveXObject\s*\(\s*["']WScript\.Shell["']/ nocase
        $run = /\.\s*(Exec|Run|ShellExecute)\s*[\s(]/ nocase
        $src = /\brequest\s*(\.\s*(form|querystring|item|cookies)\s*)?[(\[]/ nocase
        $ctx1 = "<%"
        $ctx2 = /<script[^>]{0,80}runat\s*=\s*["']?server/ nocase
    condition:
        (any of ($obj*) and $run and $src)
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule asp_encoded_script
{
    meta:
        description = "Script Encoder (VBScript.Encode / JScript.Encode) block: the page's server code is hidden from readers and from content rules"
        severity = "medium"
        attack = "T1505.003"
        language = "asp"
    strings:
        $start = /#@~\^[A-Za-z0-9+\/]{6}==/
    condition:
        $start
}

rule asp_request_body_to_file
{
    meta:
        description = "Uploader: the raw request body (BinaryRead) is written to a file through FileSystemObject or ADODB.Stream"
        severity = "medium"
        attack = "T1505.003"
        language = "asp"
    strings:
        $body = "Request.BinaryRead" nocase
        $w1 = /\.\s*CreateTextFile\s*\(/ nocase
        $w2 = /\.\s*SaveToFile\s*[\s(]/ nocase
        $w3 = /\.\s*OpenTextFile\s*\([^)]{1,80},\s*(2|8|ForWriting|ForAppending)\b/ nocase
        $ctx1 = "<%"
        $ctx2 = /<script[^>]{0,80}runat\s*=\s*["']?server/ nocase
    condition:
        ($body and any of ($w*))
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule asp_file_manager
{
    meta:
        description = "File manager: FileSystemObject folder listing together with deleting, copying, moving or writing files, in a page that reads the request"
        severity = "medium"
        attack = "T1505.003"
        language = "asp"
    strings:
        $fso = "Scripting.FileSystemObject" nocase
        $src = /\brequest\s*(\.\s*(form|querystring|item)\s*)?[(\[]/ nocase
        $list1 = /\.\s*GetFolder\s*\(/ nocase
        $list2 = /\.\s*SubFolders\b/ nocase
        $list3 = /\.\s*Drives\b/ nocase
        $op1 = /\.\s*(DeleteFile|DeleteFolder|CopyFile|MoveFile|CopyFolder|MoveFolder)\s*[\s(]/ nocase
        $op2 = /\.\s*CreateTextFile\s*\(/ nocase
        $ctx1 = "<%"
        $ctx2 = /<script[^>]{0,80}runat\s*=\s*["']?server/ nocase
    condition:
        ($fso and $src and any of ($list*) and any of ($op*))
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}
