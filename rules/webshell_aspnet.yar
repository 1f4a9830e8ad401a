// ASP.NET webshells: .aspx, .ashx, .asmx, .ascx pages and handlers in C#, VB.NET or JScript.NET.
//
// Each rule pairs a source of attacker input (the Request object, a form TextBox) with a
// dangerous sink (a process, eval, Assembly.Load, a file written or served), so a page that
// only reads a form, or only runs a fixed tool, does not match. See rules/README.md.

rule aspnet_process_from_request
{
    meta:
        description = "Starts a process (Process / ProcessStartInfo) in a page that takes request or form input, and either names a command interpreter, feeds the process's standard input, or takes the program or its arguments from a form control"
        severity = "high"
        attack = "T1505.003"
        language = "aspnet"
    strings:
        $sink1 = "ProcessStartInfo" nocase
        $sink2 = /Process\s*\.\s*Start\s*\(/ nocase
        $sink3 = /new\s+(System\.Diagnostics\.)?Process\s*\(/ nocase
        $sink4 = "StartInfo.FileName" nocase
        $src1 = /\bRequest(\s*\.\s*(Form|QueryString|Params|Item|Headers|Cookies))?\s*[\[(]/ nocase
        $src2 = "Request.BinaryRead" nocase
        $src3 = "Request.InputStream" nocase
        $src4 = "<asp:TextBox" nocase
        $use1 = /(FileName|Arguments)\s*=\s*[\w.]{0,40}\.Text\b/ nocase
        $use2 = "StandardInput.WriteLine" nocase
        $use3 = "cmd.exe" nocase
        $use4 = /["']\/c\s/ nocase
        $use5 = "powershell" nocase
        $use6 = /["']cmd["']/ nocase
        $use7 = /ProcessStartInfo\s*\(\s*[\w.]{1,40}\.Text\b/ nocase
        $ctx1 = "<%@"
        $ctx2 = /runat\s*=\s*["']?server/ nocase
        $ctx3 = "System.Web"
        $ctx4 = "IHttpHandler"
    condition:
        (any of ($sink*) and any of ($src*) and any of ($use*))
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule aspnet_process_start_request_direct
{
    meta:
        description = "Passes request data straight into Process.Start or a ProcessStartInfo"
        severity = "critical"
        attack = "T1505.003"
        language = "aspnet"
    strings:
        $a = /(Process\s*\.\s*Start|ProcessStartInfo)\s*\(\s*([\w"'\/ .]{1,40}[+&,]\s*){0,3}(\w{1,20}\.){0,3}Request\s*(\.\s*\w{2,12}\s*)?[\[(]/ nocase
    condition:
        $a
}

rule aspnet_eval_request
{
    meta:
        description = "JScript.NET eval of request data, or eval with the \"unsafe\" option (the China Chopper style one-liner)"
        severity = "critical"
        attack = "T1505.003"
        language = "aspnet"
    strings:
        // Case-sensitive: data binding uses Eval("Field"), JScript's eval is lower case.
        $direct = /eval\s*\(\s*([\w.]{1,40}\.)?Request\s*(\.\s*\w{2,12}\s*)?[\[(]/
        $unsafe = /eval\s*\([^;)]{1,120},\s*["']unsafe["']\s*\)/
    condition:
        any of them
}

rule aspnet_assembly_load_request
{
    meta:
        description = "Loads a .NET assembly from bytes (Assembly.Load, also through reflection) in code that reads the request: runs attacker-supplied compiled code"
        severity = "high"
        attack = "T1505.003"
        language = "aspnet"
    strings:
        $load1 = /Assembly\]?\s*\.\s*Load\s*\(/ nocase
        $load2 = /typeof\s*\(\s*(System\.Reflection\.)?Assembly\s*\)\s*\.\s*GetMethod\s*\(\s*"Load"/ nocase
        $load3 = /GetType\s*\(\s*"System\.Reflection\.Assembly"/ nocase
        $load4 = /CurrentDomain\s*\.\s*Load\s*\(/ nocase
        $src1 = /\bRequest(\s*\.\s*(Form|QueryString|Params|Item|Headers|Cookies))?\s*[\[(]/ nocase
        $src2 = "Request.BinaryRead" nocase
        $src3 = "Request.InputStream" nocase
        $src4 = "GetBufferlessInputStream" nocase
        $src5 = "Request.Files" nocase
        $ctx1 = "<%@"
        $ctx2 = /runat\s*=\s*["']?server/ nocase
        $ctx3 = "System.Web"
        $ctx4 = "IHttpHandler"
    condition:
        (any of ($load*) and any of ($src*))
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule aspnet_encrypted_channel
{
    meta:
        description = "Encrypted-channel shell: request bytes decrypted with a symmetric cipher, kept in Session and loaded as an assembly or instantiated"
        family = "Behinder/Godzilla-style"
        severity = "critical"
        attack = "T1505.003"
        language = "aspnet"
    strings:
        $c1 = "RijndaelManaged" nocase
        $c2 = "AesManaged" nocase
        $c3 = /Aes\s*\.\s*Create\s*\(/ nocase
        $c4 = "CreateDecryptor" nocase
        $c5 = "TripleDESCryptoServiceProvider" nocase
        $c6 = "DESCryptoServiceProvider" nocase
        $s1 = /Session\s*\.\s*Add\s*\(/ nocase
        $s2 = /Session\s*\[/ nocase
        $s3 = /Session\s*\(\s*"/ nocase
        $l1 = /Assembly\]?\s*\.\s*Load\s*\(/ nocase
        $l2 = /GetMethod\s*\(\s*"Load"/ nocase
        $l3 = /\.\s*CreateInstance\s*\(/ nocase
        $r1 = "Request" nocase
        $ctx1 = "<%@"
        $ctx2 = /runat\s*=\s*["']?server/ nocase
        $ctx3 = "System.Web"
        $ctx4 = "IHttpHandler"
    condition:
        (any of ($c*) and any of ($s*) and any of ($l*) and $r1)
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule aspnet_file_write_from_request
{
    meta:
        description = "Uploader: writes a posted file or request data to disk under a name or folder the request gives, or next to the page itself"
        severity = "high"
        attack = "T1505.003"
        language = "aspnet"
    strings:
        $file = /(PostedFile|Request\s*\.\s*Files\s*\[[^\]]{1,40}\])\s*\.\s*FileName/ nocase
        $self = "Request.PhysicalPath" nocase
        $path1 = /(SaveAs|WriteAllBytes|WriteAllText|FileStream|StreamWriter|File\s*\.\s*Create)\s*\([^;]{0,80}Request\s*(\.\s*(Form|QueryString|Params|Item))?\s*[\[(]/ nocase
        $w1 = /\.\s*SaveAs\s*\(/ nocase
        $w2 = "FileMode.Create" nocase
        $w3 = /File\s*\.\s*WriteAll(Bytes|Text)\s*\(/ nocase
        $w4 = /new\s+FileStream\s*\(/ nocase
        $ctx1 = "<%@"
        $ctx2 = /runat\s*=\s*["']?server/ nocase
        $ctx3 = "System.Web"
        $ctx4 = "IHttpHandler"
    condition:
        ($path1 or ($self and $file and any of ($w*)))
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule aspnet_file_manager
{
    meta:
        description = "File manager: lists folders or drives, serves, deletes or moves files, with paths taken from the request"
        severity = "medium"
        attack = "T1505.003"
        language = "aspnet"
    strings:
        $src1 = /\bRequest(\s*\.\s*(Form|QueryString|Params|Item))?\s*[\[(]/ nocase
        $f1 = /(GetLogicalDrives|DriveInfo\s*\.\s*GetDrives)\s*\(/ nocase
        $f2 = /Response\s*\.\s*(WriteFile|TransmitFile)\s*\(/ nocase
        $f3 = /File\s*\.\s*(Delete|Move|Copy)\s*\(/ nocase
        $f4 = /Directory\s*\.\s*(Delete|Move|GetFiles|GetDirectories)\s*\(/ nocase
        $f5 = /new\s+DirectoryInfo\s*\(/ nocase
        $f6 = /\.\s*(GetFiles|GetDirectories)\s*\(/ nocase
        $f7 = /\.\s*SaveAs\s*\(/ nocase
        $ctx1 = "<%@"
        $ctx2 = /runat\s*=\s*["']?server/ nocase
        $ctx3 = "System.Web"
        $ctx4 = "IHttpHandler"
    condition:
        ($src1 and 3 of ($f*))
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule aspnet_sql_console
{
    meta:
        description = "Database console: builds a connection string from request or form input and runs SQL or stored procedures named by the user"
        severity = "medium"
        attack = "T1505.003"
        language = "aspnet"
    strings:
        $conn = /(data source|server|user id|uid|password|pwd|initial catalog|database)=["']\s*[+&]\s*(Request\b|[A-Za-z_]\w{0,40}\.Text\b)/ nocase
        $cmd1 = /new\s+(SqlCommand|OleDbCommand|OdbcCommand)\s*\(/ nocase
        $cmd2 = "ExecuteReader" nocase
        $cmd3 = "ExecuteNonQuery" nocase
        $cmd4 = "SqlDataAdapter" nocase
        $xp = "xp_cmdshell" nocase
        $ctx1 = "<%@"
        $ctx2 = /runat\s*=\s*["']?server/ nocase
        $ctx3 = "System.Web"
        $ctx4 = "IHttpHandler"
    condition:
        ($conn and (any of ($cmd*) or $xp))
        and any of ($ctx*) and not (uint16(0) == 0x5A4D or uint32(0) == 0x464C457F)
}

rule aspnet_xslt_script_enabled
{
    meta:
        description = "XSLT with an embedded msxsl:script block compiled with scripts enabled (TrustedXslt): a way to run code that hides it inside a style sheet"
        severity = "medium"
        attack = "T1505.003"
        language = "aspnet"
    strings:
        $script = "msxsl:script" nocase
        $trust1 = "XsltSettings.TrustedXslt" nocase
        $trust2 = /new\s+XsltSettings\s*\(\s*true\s*,\s*true/ nocase
        $trust3 = /EnableScript\s*=\s*true/ nocase
    condition:
        $script and any of ($trust*)
}
