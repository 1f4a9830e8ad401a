// Tests of the known-binaries table and the lookalike search (src/core/known_binaries.cpp).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/known_binaries_internal.hpp"
#include "sqltriage/known_binaries.hpp"

using sqltriage::find_known_binary;
using sqltriage::find_lookalike;
using sqltriage::known_binaries;
using sqltriage::detail::edit_distance;
using sqltriage::detail::lookalike_limit;
using sqltriage::detail::parse_known_binaries;

namespace {

// Real executables of stock Windows / Windows Server (System32, SysWOW64, the Windows folder,
// wbem, inetsrv, Program Files) and of common software found on servers. None may be
// reported as a lookalike. This list was used to choose the thresholds: the first run
// flagged 7 of them (msdt, nbtstat, tskill, srtasks, msconfig, iexpress, bfsvc), which were
// then added to data/known_binaries.tsv as near-neighbours. See docs/checks.md.
const std::vector<std::string_view> kBenignNames = {"agentactivationruntimestarter.exe",
                                                    "alg.exe",
                                                    "appidcertstorecheck.exe",
                                                    "appidpolicyconverter.exe",
                                                    "applicationframehost.exe",
                                                    "arp.exe",
                                                    "at.exe",
                                                    "attrib.exe",
                                                    "auditpol.exe",
                                                    "autochk.exe",
                                                    "autoconv.exe",
                                                    "autofmt.exe",
                                                    "bcdboot.exe",
                                                    "bcdedit.exe",
                                                    "bdechangepin.exe",
                                                    "bitlockerwizard.exe",
                                                    "bthudtask.exe",
                                                    "bcastdvr.exe",
                                                    "cacls.exe",
                                                    "certreq.exe",
                                                    "change.exe",
                                                    "charmap.exe",
                                                    "chglogon.exe",
                                                    "chgport.exe",
                                                    "chgusr.exe",
                                                    "chkdsk.exe",
                                                    "chkntfs.exe",
                                                    "choice.exe",
                                                    "cipher.exe",
                                                    "cleanmgr.exe",
                                                    "cliconfg.exe",
                                                    "clip.exe",
                                                    "cmdkey.exe",
                                                    "cmdl32.exe",
                                                    "cmstp.exe",
                                                    "colorcpl.exe",
                                                    "comp.exe",
                                                    "compact.exe",
                                                    "compattelrunner.exe",
                                                    "computerdefaults.exe",
                                                    "control.exe",
                                                    "convert.exe",
                                                    "credwiz.exe",
                                                    "cttune.exe",
                                                    "cttunesvr.exe",
                                                    "dccw.exe",
                                                    "dcomcnfg.exe",
                                                    "devicecensus.exe",
                                                    "deviceenroller.exe",
                                                    "devicepairingwizard.exe",
                                                    "dfrgui.exe",
                                                    "diskpart.exe",
                                                    "diskperf.exe",
                                                    "diskraid.exe",
                                                    "dism.exe",
                                                    "dispdiag.exe",
                                                    "dllhst3g.exe",
                                                    "dnscacheugc.exe",
                                                    "doskey.exe",
                                                    "dpapimig.exe",
                                                    "dpiscaling.exe",
                                                    "driverquery.exe",
                                                    "dsregcmd.exe",
                                                    "dstokenclean.exe",
                                                    "dwwin.exe",
                                                    "dxdiag.exe",
                                                    "dxpserver.exe",
                                                    "efsui.exe",
                                                    "esentutl.exe",
                                                    "eudcedit.exe",
                                                    "eventcreate.exe",
                                                    "eventvwr.exe",
                                                    "expand.exe",
                                                    "extrac32.exe",
                                                    "fc.exe",
                                                    "find.exe",
                                                    "findstr.exe",
                                                    "finger.exe",
                                                    "fixmapi.exe",
                                                    "fltmc.exe",
                                                    "fodhelper.exe",
                                                    "fondue.exe",
                                                    "fontview.exe",
                                                    "forfiles.exe",
                                                    "fsquirt.exe",
                                                    "fsutil.exe",
                                                    "ftp.exe",
                                                    "fvenotify.exe",
                                                    "fveprompt.exe",
                                                    "getmac.exe",
                                                    "gpresult.exe",
                                                    "gpscript.exe",
                                                    "gpupdate.exe",
                                                    "grpconv.exe",
                                                    "hdwwiz.exe",
                                                    "help.exe",
                                                    "icacls.exe",
                                                    "ie4uinit.exe",
                                                    "iexpress.exe",
                                                    "infdefaultinstall.exe",
                                                    "iscsicli.exe",
                                                    "iscsicpl.exe",
                                                    "isoburn.exe",
                                                    "klist.exe",
                                                    "ksetup.exe",
                                                    "ktmutil.exe",
                                                    "label.exe",
                                                    "lodctr.exe",
                                                    "logagent.exe",
                                                    "logman.exe",
                                                    "logoff.exe",
                                                    "lpksetup.exe",
                                                    "lpremove.exe",
                                                    "magnify.exe",
                                                    "makecab.exe",
                                                    "manage-bde.exe",
                                                    "mavinject.exe",
                                                    "mblctr.exe",
                                                    "mdmagent.exe",
                                                    "mdres.exe",
                                                    "mdsched.exe",
                                                    "mfpmp.exe",
                                                    "mobsync.exe",
                                                    "mountvol.exe",
                                                    "mpnotify.exe",
                                                    "mpsigstub.exe",
                                                    "mrinfo.exe",
                                                    "mrt.exe",
                                                    "msconfig.exe",
                                                    "msdt.exe",
                                                    "msfeedssync.exe",
                                                    "msinfo32.exe",
                                                    "mspaint.exe",
                                                    "msra.exe",
                                                    "mtstocom.exe",
                                                    "muiunattend.exe",
                                                    "multidigimon.exe",
                                                    "musnotification.exe",
                                                    "musnotificationux.exe",
                                                    "narrator.exe",
                                                    "nbtstat.exe",
                                                    "netbtugc.exe",
                                                    "netcfg.exe",
                                                    "netiougc.exe",
                                                    "netplwiz.exe",
                                                    "newdev.exe",
                                                    "nltest.exe",
                                                    "ntprint.exe",
                                                    "odbcad32.exe",
                                                    "odbcconf.exe",
                                                    "openfiles.exe",
                                                    "optionalfeatures.exe",
                                                    "osk.exe",
                                                    "pathping.exe",
                                                    "pcalua.exe",
                                                    "pcaui.exe",
                                                    "pcwrun.exe",
                                                    "perfmon.exe",
                                                    "phoneactivate.exe",
                                                    "pickerhost.exe",
                                                    "pkgmgr.exe",
                                                    "plasrv.exe",
                                                    "pnpunattend.exe",
                                                    "pnputil.exe",
                                                    "poqexec.exe",
                                                    "powercfg.exe",
                                                    "presentationhost.exe",
                                                    "presentationsettings.exe",
                                                    "prevhost.exe",
                                                    "print.exe",
                                                    "printbrmui.exe",
                                                    "printfilterpipelinesvc.exe",
                                                    "printisolationhost.exe",
                                                    "printui.exe",
                                                    "proquota.exe",
                                                    "provtool.exe",
                                                    "psr.exe",
                                                    "quser.exe",
                                                    "qwinsta.exe",
                                                    "rasautou.exe",
                                                    "rasdial.exe",
                                                    "raserver.exe",
                                                    "rasphone.exe",
                                                    "rdpinit.exe",
                                                    "rdpinput.exe",
                                                    "rdpsa.exe",
                                                    "rdpsaproxy.exe",
                                                    "rdpsauachelper.exe",
                                                    "rdpshell.exe",
                                                    "rdpsign.exe",
                                                    "rdrleakdiag.exe",
                                                    "reagentc.exe",
                                                    "recdisc.exe",
                                                    "recover.exe",
                                                    "refsutil.exe",
                                                    "regedt32.exe",
                                                    "regini.exe",
                                                    "rekeywiz.exe",
                                                    "relog.exe",
                                                    "replace.exe",
                                                    "resmon.exe",
                                                    "rmactivate.exe",
                                                    "rmclient.exe",
                                                    "robocopy.exe",
                                                    "route.exe",
                                                    "rpcping.exe",
                                                    "rstrui.exe",
                                                    "runas.exe",
                                                    "runexehelper.exe",
                                                    "runlegacycplelevated.exe",
                                                    "runonce.exe",
                                                    "rwinsta.exe",
                                                    "sdbinst.exe",
                                                    "sdchange.exe",
                                                    "sdclt.exe",
                                                    "sdiagnhost.exe",
                                                    "secedit.exe",
                                                    "securekernel.exe",
                                                    "securityhealthhost.exe",
                                                    "securityhealthsystray.exe",
                                                    "sensordataservice.exe",
                                                    "sessionmsg.exe",
                                                    "setspn.exe",
                                                    "settingsynchost.exe",
                                                    "setupcl.exe",
                                                    "setupugc.exe",
                                                    "setx.exe",
                                                    "sfc.exe",
                                                    "sgrmbroker.exe",
                                                    "shrpubw.exe",
                                                    "shutdown.exe",
                                                    "sigverif.exe",
                                                    "sihclient.exe",
                                                    "slidetoshutdown.exe",
                                                    "slui.exe",
                                                    "sndvol.exe",
                                                    "snippingtool.exe",
                                                    "snmptrap.exe",
                                                    "sort.exe",
                                                    "spaceagent.exe",
                                                    "spaceman.exe",
                                                    "spectrum.exe",
                                                    "sppextcomobj.exe",
                                                    "sppsvc.exe",
                                                    "srdelayed.exe",
                                                    "srtasks.exe",
                                                    "stordiag.exe",
                                                    "subst.exe",
                                                    "sxstrace.exe",
                                                    "syncappvpublishingserver.exe",
                                                    "synchost.exe",
                                                    "systempropertiesadvanced.exe",
                                                    "systemreset.exe",
                                                    "systemsettingsbroker.exe",
                                                    "tabcal.exe",
                                                    "takeown.exe",
                                                    "tar.exe",
                                                    "taskeng.exe",
                                                    "tcmsetup.exe",
                                                    "tcpsvcs.exe",
                                                    "timeout.exe",
                                                    "tpminit.exe",
                                                    "tpmtool.exe",
                                                    "tpmvscmgr.exe",
                                                    "tpmvscmgrsvr.exe",
                                                    "tracerpt.exe",
                                                    "tracert.exe",
                                                    "tscon.exe",
                                                    "tsdiscon.exe",
                                                    "tskill.exe",
                                                    "tstheme.exe",
                                                    "tswbprxy.exe",
                                                    "typeperf.exe",
                                                    "tzsync.exe",
                                                    "tzutil.exe",
                                                    "unlodctr.exe",
                                                    "unregmp2.exe",
                                                    "upfc.exe",
                                                    "upnpcont.exe",
                                                    "utcdecoderhost.exe",
                                                    "vds.exe",
                                                    "vdsldr.exe",
                                                    "verclsid.exe",
                                                    "verifier.exe",
                                                    "verifiergui.exe",
                                                    "w32tm.exe",
                                                    "waitfor.exe",
                                                    "wbengine.exe",
                                                    "werfaultsecure.exe",
                                                    "wextract.exe",
                                                    "where.exe",
                                                    "wiaacmgr.exe",
                                                    "wifitask.exe",
                                                    "wimserv.exe",
                                                    "winload.exe",
                                                    "winresume.exe",
                                                    "winrs.exe",
                                                    "winsat.exe",
                                                    "winver.exe",
                                                    "wkspbroker.exe",
                                                    "wlanext.exe",
                                                    "wlrmdr.exe",
                                                    "wmpdmc.exe",
                                                    "workfolders.exe",
                                                    "wowreg32.exe",
                                                    "wpnpinst.exe",
                                                    "write.exe",
                                                    "wscadminui.exe",
                                                    "wsqmcons.exe",
                                                    "wsreset.exe",
                                                    "wuapihost.exe",
                                                    "wudfhost.exe",
                                                    "wusa.exe",
                                                    "xcopy.exe",
                                                    "xwizard.exe",
                                                    "curl.exe",
                                                    "winmgmt.exe",
                                                    "wbemtest.exe",
                                                    "dcdiag.exe",
                                                    "repadmin.exe",
                                                    "dsquery.exe",
                                                    "dsget.exe",
                                                    "dsmod.exe",
                                                    "dsadd.exe",
                                                    "csvde.exe",
                                                    "ldifde.exe",
                                                    "netdom.exe",
                                                    "dnscmd.exe",
                                                    "servermanager.exe",
                                                    "vmcompute.exe",
                                                    "vmms.exe",
                                                    "vmwp.exe",
                                                    "wsl.exe",
                                                    "wslhost.exe",
                                                    "sshd.exe",
                                                    "ssh.exe",
                                                    "ssh-agent.exe",
                                                    "scp.exe",
                                                    "sftp.exe",
                                                    "ssh-keygen.exe",
                                                    "bfsvc.exe",
                                                    "hh.exe",
                                                    "splwow64.exe",
                                                    "winhlp32.exe",
                                                    "helppane.exe",
                                                    "wordpad.exe",
                                                    "wmplayer.exe",
                                                    "wmpnetwk.exe",
                                                    "setup_wm.exe",
                                                    "wab.exe",
                                                    "wabmig.exe",
                                                    "ielowutil.exe",
                                                    "ieinstal.exe",
                                                    "configsecuritypolicy.exe",
                                                    "mssense.exe",
                                                    "sensecncproxy.exe",
                                                    "senseir.exe",
                                                    "sensendr.exe",
                                                    "officeclicktorun.exe",
                                                    "winword.exe",
                                                    "excel.exe",
                                                    "powerpnt.exe",
                                                    "outlook.exe",
                                                    "onenote.exe",
                                                    "msaccess.exe",
                                                    "msedge.exe",
                                                    "msedgewebview2.exe",
                                                    "microsoftedgeupdate.exe",
                                                    "onedrive.exe",
                                                    "onedrivestandaloneupdater.exe",
                                                    "filecoauth.exe",
                                                    "amazon-ssm-agent.exe",
                                                    "ssm-agent-worker.exe",
                                                    "ssm-document-worker.exe",
                                                    "ssm-session-worker.exe",
                                                    "ec2launch.exe",
                                                    "cfn-init.exe",
                                                    "cfn-hup.exe",
                                                    "liteagent.exe",
                                                    "amazon-cloudwatch-agent.exe",
                                                    "ec2config.exe",
                                                    "databasemail.exe",
                                                    "sqlmaint.exe",
                                                    "sqldiag.exe",
                                                    "sqlps.exe",
                                                    "bcp.exe",
                                                    "osql.exe",
                                                    "sqliosim.exe",
                                                    "dtutil.exe",
                                                    "rshostingservice.exe",
                                                    "landingpage.exe",
                                                    "scenarioengine.exe",
                                                    "iisexpresstray.exe",
                                                    "msdeploy.exe",
                                                    "vmtoolsd.exe",
                                                    "vm3dservice.exe",
                                                    "notepad++.exe",
                                                    "7zfm.exe",
                                                    "7zg.exe",
                                                    "7z.exe",
                                                    "chrome.exe",
                                                    "googleupdate.exe",
                                                    "firefox.exe",
                                                    "java.exe",
                                                    "javaw.exe",
                                                    "jp2launcher.exe",
                                                    "git.exe",
                                                    "bash.exe",
                                                    "python.exe",
                                                    "pythonw.exe",
                                                    "winrar.exe",
                                                    "rar.exe",
                                                    "unrar.exe",
                                                    "putty.exe",
                                                    "pageant.exe",
                                                    "plink.exe",
                                                    "pscp.exe",
                                                    "psftp.exe",
                                                    "winscp.exe",
                                                    "wireshark.exe",
                                                    "dumpcap.exe",
                                                    "tshark.exe",
                                                    "node.exe",
                                                    "code.exe",
                                                    "devenv.exe",
                                                    "msbuild.exe",
                                                    "vstest.console.exe",
                                                    "csc.exe",
                                                    "vbc.exe",
                                                    "ngen.exe",
                                                    "ngentask.exe",
                                                    "regasm.exe",
                                                    "regsvcs.exe",
                                                    "installutil.exe",
                                                    "aspnet_compiler.exe",
                                                    "mscorsvw.exe",
                                                    "addinprocess.exe",
                                                    "jsc.exe",
                                                    "caspol.exe",
                                                    "ilasm.exe",
                                                    "cvtres.exe",
                                                    "windowsterminal.exe",
                                                    "openconsole.exe",
                                                    "wt.exe",
                                                    "teams.exe",
                                                    "ms-teams.exe",
                                                    "zoom.exe",
                                                    "acrord32.exe",
                                                    "acrobat.exe",
                                                    "adobearm.exe",
                                                    "splunkd.exe",
                                                    "osqueryd.exe",
                                                    "sysmon64.exe",
                                                    "sysmon.exe",
                                                    "csfalconservice.exe",
                                                    "sentinelagent.exe",
                                                    "nxlog.exe",
                                                    "winlogbeat.exe",
                                                    "httpd.exe",
                                                    "nginx.exe",
                                                    "php-cgi.exe",
                                                    "php.exe",
                                                    "tomcat9.exe",
                                                    "tomcat9w.exe",
                                                    "mysqld.exe",
                                                    "postgres.exe",
                                                    "pg_ctl.exe",
                                                    "redis-server.exe",
                                                    "mongod.exe",
                                                    "procexp64.exe",
                                                    "procmon64.exe",
                                                    "autoruns64.exe",
                                                    "tcpview.exe",
                                                    "psexec.exe",
                                                    "psexesvc.exe"};

// Names checked only after the thresholds and the table were fixed (not used to tune).
// One is reported, and that is the documented residual false positive: notepad2.exe.
const std::vector<std::string_view> kHeldOutNames = {"usoclient.exe",
                                                     "vaultcmd.exe",
                                                     "wpr.exe",
                                                     "wsmanhttpconfig.exe",
                                                     "wwahost.exe",
                                                     "compmgmtlauncher.exe",
                                                     "gpfixup.exe",
                                                     "dfsrdiag.exe",
                                                     "dfsutil.exe",
                                                     "iisreset.exe",
                                                     "inetmgr.exe",
                                                     "wmsvc.exe",
                                                     "wsusutil.exe",
                                                     "dtswizard.exe",
                                                     "isserverexec.exe",
                                                     "rsconfigtool.exe",
                                                     "appverif.exe",
                                                     "bootim.exe",
                                                     "ddodiag.exe",
                                                     "dinotify.exe",
                                                     "dmcertinst.exe",
                                                     "dmclient.exe",
                                                     "dxgiadaptercache.exe",
                                                     "easinvoker.exe",
                                                     "edpcleanup.exe",
                                                     "fsiso.exe",
                                                     "launchwinapp.exe",
                                                     "licensingui.exe",
                                                     "locator.exe",
                                                     "mcbuilder.exe",
                                                     "mdmappinstaller.exe",
                                                     "msg.exe",
                                                     "ngciso.exe",
                                                     "ocsetup.exe",
                                                     "omadmclient.exe",
                                                     "openwith.exe",
                                                     "pktmon.exe",
                                                     "provlaunch.exe",
                                                     "rrinstaller.exe",
                                                     "scriptrunner.exe",
                                                     "shellappruntime.exe",
                                                     "systemsettingsadminflows.exe",
                                                     "tcblaunch.exe",
                                                     "tieringengineservice.exe",
                                                     "upgraderesultsui.exe",
                                                     "wiawow64.exe",
                                                     "netevtfwdr.exe",
                                                     "cofire.exe",
                                                     "ntfrsutl.exe",
                                                     "dsacls.exe",
                                                     "mmgaserver.exe",
                                                     "pacjsworker.exe",
                                                     "tokenbrokercookies.exe",
                                                     "directxdatabaseupdater.exe",
                                                     "bdeunlock.exe",
                                                     "notepad2.exe",
                                                     "svcutil.exe",
                                                     "teamviewer.exe",
                                                     "anydesk.exe",
                                                     "vncserver.exe",
                                                     "tvnserver.exe",
                                                     "filezilla.exe",
                                                     "keepass.exe",
                                                     "vlc.exe",
                                                     "audacity.exe",
                                                     "obs64.exe",
                                                     "spotify.exe",
                                                     "slack.exe",
                                                     "discord.exe",
                                                     "steam.exe",
                                                     "dropbox.exe",
                                                     "googledrivefs.exe",
                                                     "bginfo.exe",
                                                     "bginfo64.exe",
                                                     "rdcman.exe",
                                                     "mremoteng.exe",
                                                     "kitty.exe",
                                                     "mintty.exe",
                                                     "conemu64.exe",
                                                     "everything.exe",
                                                     "sumatrapdf.exe",
                                                     "foxitreader.exe",
                                                     "soffice.exe",
                                                     "thunderbird.exe",
                                                     "opera.exe",
                                                     "brave.exe",
                                                     "vivaldi.exe",
                                                     "iperf3.exe",
                                                     "nmap.exe",
                                                     "ncat.exe",
                                                     "wget.exe",
                                                     "openvpn.exe",
                                                     "openvpn-gui.exe",
                                                     "wireguard.exe",
                                                     "tailscaled.exe",
                                                     "nssm.exe",
                                                     "winsw.exe",
                                                     "jenkins.exe",
                                                     "gitlab-runner.exe"};

struct Masquerade {
  std::string_view name;
  std::string_view imitates;
  int distance;
};

// Masquerading names of the kind seen in intrusions, with the binary each imitates.
const std::vector<Masquerade> kMasquerades = {
    {"sqlserver.exe", "sqlservr.exe", 1},   {"svch0st.exe", "svchost.exe", 1},
    {"scvhost.exe", "svchost.exe", 1},      {"svhost.exe", "svchost.exe", 1},
    {"svchosts.exe", "svchost.exe", 1},     {"svchest.exe", "svchost.exe", 1},
    {"lsasss.exe", "lsass.exe", 1},         {"lsas.exe", "lsass.exe", 1},
    {"isass.exe", "lsass.exe", 1},          {"lssass.exe", "lsass.exe", 1},
    {"csrsss.exe", "csrss.exe", 1},         {"csrs.exe", "csrss.exe", 1},
    {"crss.exe", "csrss.exe", 1},           {"expl0rer.exe", "explorer.exe", 1},
    {"explore.exe", "explorer.exe", 1},     {"taskhostw1.exe", "taskhostw.exe", 1},
    {"taskhosts.exe", "taskhostw.exe", 1},  {"winlogin.exe", "winlogon.exe", 1},
    {"spoolsvc.exe", "spoolsv.exe", 1},     {"services32.exe", "services.exe", 2},
    {"servicess.exe", "services.exe", 1},   {"rundll33.exe", "rundll32.exe", 1},
    {"rundl32.exe", "rundll32.exe", 1},     {"dllhst.exe", "dllhost.exe", 1},
    {"conhosts.exe", "conhost.exe", 1},     {"wininit1.exe", "wininit.exe", 1},
    {"powershel.exe", "powershell.exe", 1}, {"msiexe.exe", "msiexec.exe", 1},
    {"SQLSERVER.EXE", "sqlservr.exe", 1},   {"SvcH0st.Exe", "svchost.exe", 1},
};

bool is_lower(std::string_view s) {
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

TEST_CASE("the embedded table parses and holds the core and server binaries", "[known_binaries]") {
  const auto& all = known_binaries();
  CHECK(all.size() >= 80);
  for (const auto& b : all) {
    INFO(b.name);
    CHECK(is_lower(b.name));
    CHECK(b.name.find('.') != std::string::npos);
    CHECK_FALSE(b.folders.empty());
    CHECK_FALSE(b.signer.empty());
    CHECK_FALSE(b.description.empty());
  }
  for (std::string_view name : {"svchost.exe",
                                "lsass.exe",
                                "csrss.exe",
                                "services.exe",
                                "smss.exe",
                                "wininit.exe",
                                "winlogon.exe",
                                "explorer.exe",
                                "spoolsv.exe",
                                "taskhostw.exe",
                                "dllhost.exe",
                                "conhost.exe",
                                "rundll32.exe",
                                "regsvr32.exe",
                                "cmd.exe",
                                "powershell.exe",
                                "wmiprvse.exe",
                                "lsm.exe",
                                "searchindexer.exe",
                                "taskmgr.exe",
                                "mstsc.exe",
                                "notepad.exe",
                                "sqlservr.exe",
                                "sqlagent.exe",
                                "sqlbrowser.exe",
                                "sqlwriter.exe",
                                "sqlceip.exe",
                                "fdlauncher.exe",
                                "reportingservicesservice.exe",
                                "w3wp.exe",
                                "inetinfo.exe",
                                "iisexpress.exe",
                                "msexchangetransport.exe",
                                "dns.exe",
                                "ntfrs.exe",
                                "dfsrs.exe",
                                "certsrv.exe"}) {
    INFO(name);
    CHECK(find_known_binary(name) != nullptr);
  }
}

TEST_CASE("find_known_binary matches exact names case-insensitively", "[known_binaries]") {
  const auto* sql = find_known_binary("SQLSERVR.EXE");
  REQUIRE(sql != nullptr);
  CHECK(sql->name == "sqlservr.exe");
  CHECK(sql->signer == "Microsoft Corporation");
  CHECK(std::find(sql->folders.begin(), sql->folders.end(),
                  "%ProgramFiles%\\Microsoft SQL Server\\*\\MSSQL\\Binn") != sql->folders.end());

  const auto* svchost = find_known_binary("svchost.exe");
  REQUIRE(svchost != nullptr);
  CHECK(svchost->signer == "Microsoft Windows");
  CHECK(svchost->folders ==
        std::vector<std::string>{"%SystemRoot%\\System32", "%SystemRoot%\\SysWOW64"});

  CHECK(find_known_binary("sqlserver.exe") == nullptr);
  CHECK(find_known_binary("svchost") == nullptr);
  CHECK(find_known_binary("svchost.exe.bak") == nullptr);
  CHECK(find_known_binary("") == nullptr);
}

TEST_CASE("edit_distance counts insertions, deletions, substitutions and transpositions",
          "[known_binaries]") {
  CHECK(edit_distance("sqlserver", "sqlservr") == 1);
  CHECK(edit_distance("scvhost", "svchost") == 1);  // transposition is one edit
  CHECK(edit_distance("svch0st", "svchost") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("ca", "abc") == 3);  // optimal string alignment, not full Damerau
  CHECK(edit_distance("LSASS", "lsass") == 0);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("", "") == 0);
}

TEST_CASE("the lookalike limit grows with the stem length", "[known_binaries]") {
  CHECK(lookalike_limit(0) == 0);
  CHECK(lookalike_limit(4) == 0);
  CHECK(lookalike_limit(5) == 1);
  CHECK(lookalike_limit(7) == 1);
  CHECK(lookalike_limit(8) == 2);
  CHECK(lookalike_limit(30) == 2);
}

TEST_CASE("masquerading names are reported with the binary they imitate", "[known_binaries]") {
  for (const auto& m : kMasquerades) {
    INFO(m.name);
    const auto hit = find_lookalike(m.name);
    REQUIRE(hit.has_value());
    REQUIRE(hit->known != nullptr);
    CHECK(hit->known->name == m.imitates);
    CHECK(hit->distance == m.distance);
  }
  // One edit from two listed names: either answer is right; the table order decides.
  const auto ie = find_lookalike("iexplorer.exe");
  REQUIRE(ie.has_value());
  CHECK((ie->known->name == "explorer.exe" || ie->known->name == "iexplore.exe"));
}

TEST_CASE("benign Windows and server executable names are not lookalikes", "[known_binaries]") {
  std::vector<std::string> flagged;
  for (auto name : kBenignNames) {
    if (const auto hit = find_lookalike(name)) {
      flagged.push_back(std::string(name) + " ~ " + hit->known->name);
    }
  }
  INFO("checked " << kBenignNames.size() << " names");
  CHECK(kBenignNames.size() >= 200);
  CHECK(flagged == std::vector<std::string>{});

  std::vector<std::string> held_out;
  for (auto name : kHeldOutNames) {
    if (const auto hit = find_lookalike(name)) {
      held_out.push_back(std::string(name) + " ~ " + hit->known->name);
    }
  }
  CHECK(held_out == std::vector<std::string>{"notepad2.exe ~ notepad.exe"});
}

TEST_CASE("lookalike rules: known names, short stems, extensions, distance limits",
          "[known_binaries]") {
  // A well-known name is never a lookalike, even when it is near another one.
  CHECK_FALSE(find_lookalike("sqlwriter.exe"));
  CHECK_FALSE(find_lookalike("taskhost.exe"));
  CHECK_FALSE(find_lookalike("wscript.exe"));  // one edit from cscript.exe
  CHECK_FALSE(find_lookalike("SVCHOST.EXE"));
  // Stems under 5 characters are never compared: smss, dwm, cmd, w3wp, calc.
  CHECK_FALSE(find_lookalike("smsss.exe"));
  CHECK_FALSE(find_lookalike("cmd1.exe"));
  CHECK_FALSE(find_lookalike("w3wq.exe"));
  CHECK_FALSE(find_lookalike("calcs.exe"));
  // The extension must match.
  CHECK_FALSE(find_lookalike("svch0st.dll"));
  CHECK_FALSE(find_lookalike("svch0st"));
  CHECK_FALSE(find_lookalike("sqlserver.exe.config"));
  // 7-character stems allow one edit, not two; 8 and more allow two, not three.
  CHECK_FALSE(find_lookalike("scvh0st.exe"));
  CHECK(find_lookalike("svch0st.exe").has_value());
  CHECK(find_lookalike("expl0rar.exe").has_value());  // explorer, 2 edits
  CHECK_FALSE(find_lookalike("exp10rar.exe"));        // 3 edits
  CHECK_FALSE(find_lookalike(""));
  CHECK_FALSE(find_lookalike("a.exe"));
}

TEST_CASE("parse_known_binaries reads the format and names the bad line", "[known_binaries]") {
  const std::string good =
      "# comment\n"
      "\n"
      "name\tfolders\tsigner\tdescription\r\n"
      "SqlServr.EXE\t%ProgramFiles%\\A\\*\\Binn; %ProgramFiles(x86)%\\B\tMicrosoft "
      "Corporation\tDatabase Engine\r\n"
      "   # indented comment\n"
      "cmd.exe\t%SystemRoot%\\System32\tMicrosoft Windows\tShell\n";
  const auto table = parse_known_binaries(good);
  REQUIRE(table.size() == 2);
  CHECK(table[0].name == "sqlservr.exe");
  CHECK(table[0].folders ==
        std::vector<std::string>{"%ProgramFiles%\\A\\*\\Binn", "%ProgramFiles(x86)%\\B"});
  CHECK(table[0].signer == "Microsoft Corporation");
  CHECK(table[0].description == "Database Engine");
  CHECK(table[1].name == "cmd.exe");

  const std::string header = "name\tfolders\tsigner\tdescription\n";
  auto error_of = [](const std::string& text) -> std::string {
    try {
      parse_known_binaries(text);
    } catch (const std::logic_error& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(error_of(header + "a.exe\tC:\\x\tsigner\n"),
             Catch::Contains("line 2") && Catch::Contains("4 tab-separated columns"));
  CHECK_THAT(error_of(header + "a.exe\tC:\\x\tS\tD\n#\nb\tC:\\x\tS\tD\n"),
             Catch::Contains("line 4") && Catch::Contains("no extension"));
  CHECK_THAT(error_of(header + "a.exe\tC:\\x\tS\tD\nA.EXE\tC:\\y\tS\tD\n"),
             Catch::Contains("line 3") && Catch::Contains("duplicate"));
  CHECK_THAT(error_of(header + "a.exe\t\tS\tD\n"),
             Catch::Contains("line 2") && Catch::Contains("column 2 is empty"));
  CHECK_THAT(error_of(header + "a.exe\tC:\\x;;C:\\y\tS\tD\n"),
             Catch::Contains("line 2") && Catch::Contains("empty folder"));
  CHECK_THAT(error_of("a.exe\tC:\\x\tS\tD\n"),
             Catch::Contains("line 1") && Catch::Contains("header"));
  CHECK_THAT(error_of("# only a comment\n"), Catch::Contains("no header"));
  CHECK_THAT(error_of(header + "C:\\x\\a.exe\tC:\\x\tS\tD\n"), Catch::Contains("bare file name"));
}

TEST_CASE("two extra letters count only when appended to the known name") {
  // Seen on a real Sysmon log (Opera's updater): launcher.exe is its own word, two letters
  // short of fdlauncher.exe at the front.
  CHECK_FALSE(sqltriage::find_lookalike("launcher.exe"));
  auto appended = sqltriage::find_lookalike("services32.exe");
  REQUIRE(appended);
  CHECK(appended->known->name == "services.exe");
  CHECK(appended->distance == 2);
}
