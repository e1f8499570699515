#!/usr/bin/env bash
# Reads a Dovecot configuration with MailStorage and shows what a newcomer should see first: what was read,
# what differs from Dovecot's defaults, the settings shared storage depends on, what is unsafe on the storage
# it runs on (Test-MailStorageConfig against a storage profile), and doveconf -n's text.
#   ./run.sh                              the bundled clustered-backend example (examples/dovecot.conf,
#                                         linted against its storage profile examples/mailstorage.yaml)
#   ./run.sh /etc/dovecot/dovecot.conf    your own configuration (linted without a profile: only the rules
#                                         that need no storage knowledge run)
#   ./run.sh /etc/dovecot/dovecot.conf mailstorage.yaml    ... linted against your storage profile
set -euo pipefail
cd "$(dirname "$0")"
config="${1:-examples/dovecot.conf}"
profile="${2:-}"
if [ $# -eq 0 ]; then
  profile=examples/mailstorage.yaml
fi

# Build when the module is missing or older than any source.
dll=artifacts/module/MailStorage.PowerShell.dll
if [ ! -f "$dll" ] || [ -n "$(find src en-US Directory.Build.props Directory.Packages.props -type f -newer "$dll" -not -path '*/obj/*' -not -path '*/bin/*' | head -n 1)" ]; then
  ./build.sh >&2
fi
dotnet tool restore >/dev/null

# The findings table wraps its messages at the terminal's width (160 columns when not on a terminal).
width=160
if [ -t 1 ] && cols=$(tput cols 2>/dev/null); then width=$cols; fi
export MAILSTORAGE_RUN_CONFIG="$config" MAILSTORAGE_RUN_PROFILE="$profile" MAILSTORAGE_RUN_WIDTH="$width" MAILSTORAGE_RUN_ROOT="$PWD"
exec dotnet tool run pwsh -NoProfile -NonInteractive -Command '
$ErrorActionPreference = "Stop"
Import-Module ./MailStorage.psd1
$path = $env:MAILSTORAGE_RUN_CONFIG
try {
    $settings = @(Get-MailStorageConfig -Path $path -NonDefault -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failed -ErrorAction SilentlyContinue)
} catch {
    Write-Host "MailStorage cannot read ${path}:"
    Write-Host "  $($_.Exception.Message)"
    exit 1
}
$module = Get-Module MailStorage
$files = if ($settings.Count -gt 0) { $settings[0].ConfigFiles } else { @($path) }
$filters = @($settings | Where-Object Filter | Group-Object Filter)
Write-Host "MailStorage $($module.Version): $path, read as doveconf 2.3.19 reads it"
Write-Host ""
Write-Host "Files read:           $($files.Count)"
foreach ($f in $files) { Write-Host "  $f" }
Write-Host "Non-default settings: $($settings.Count)"
Write-Host ("Filters:              {0}" -f $(if ($filters) { ($filters | ForEach-Object { "$($_.Name) ($($_.Count) settings)" }) -join ", " } else { "none" }))
Write-Host "Warnings:             $($warnings.Count)"
foreach ($w in $warnings) { Write-Host "  $w" }
Write-Host "Failed checks:        $($failed.Count)"
foreach ($e in $failed) { Write-Host "  $($e.Exception.Message)" }
$storage = Get-MailStorageConfig -Path $path -Name mail_location, mmap_disable, mail_fsync, mail_nfs_storage, mail_nfs_index, lock_method -WarningAction SilentlyContinue -ErrorAction SilentlyContinue |
    Where-Object { -not $_.Filter -and -not $_.Section }
Write-Host "Shared-storage settings (global):"
foreach ($s in $storage) { Write-Host ("  {0,-17} = {1}{2}" -f $s.Name, $s.Value, $(if ($s.IsDefault) { "   (default)" } else { "   ($($s.File):$($s.Line))" })) }
Write-Host ""

# Lint: what is unsafe on the storage the profile describes.
$profilePath = $env:MAILSTORAGE_RUN_PROFILE
$lint = @{ Path = $path }
if ($profilePath) { $lint.ProfilePath = $profilePath }
Write-Host ("--- Test-MailStorageConfig{0} ---" -f $(if ($profilePath) { " against $profilePath" } else { " (no storage profile: only rules that need none ran)" }))
try {
    $findings = @(Test-MailStorageConfig @lint)
} catch {
    Write-Host "MailStorage cannot lint ${path}:"
    Write-Host "  $($_.Exception.Message)"
    exit 1
}
if ($findings.Count -gt 0) {
    $width = [Math]::Max(100, [int]$env:MAILSTORAGE_RUN_WIDTH)
    $table = $findings | Sort-Object -Stable @{ Expression = "Severity"; Descending = $true } | Format-Table -Wrap -AutoSize | Out-String -Width $width
    Write-Host ($table.Trim("`r", "`n") -replace "(?m)[ \t]+$", "")
} else {
    Write-Host "No findings."
}
$bySeverity = @{ Error = 0; Warning = 0; Info = 0 }
foreach ($f in $findings) { $bySeverity["$($f.Severity)"]++ }
$counts = "{0} errors, {1} warnings, {2} info" -f $bySeverity.Error, $bySeverity.Warning, $bySeverity.Info
if ($bySeverity.Error -gt 0) {
    Write-Host "Verdict: NOT SAFE on this storage ($counts); fix the errors before Dovecot runs on it."
} elseif ($findings.Count -gt 0) {
    Write-Host "Verdict: no errors ($counts); review the findings above."
} else {
    Write-Host "Verdict: clean, nothing to report."
}
Write-Host ""

# The storage itself: what a temporary folder here is, and what it really does (no second client to compare with).
$probeDir = [IO.Path]::Combine([IO.Path]::GetTempPath(), "mailstorage-run-" + [guid]::NewGuid().ToString("N").Substring(0, 8))
New-Item -ItemType Directory -Path $probeDir | Out-Null
try {
    Write-Host "--- Get-MailStorageFileSystem $probeDir ---"
    $fs = Get-MailStorageFileSystem -Path $probeDir
    Write-Host ("  {0} on {1} ({2}, magic {3}), mounted from {4}" -f $fs.Type, $fs.MountPoint, $fs.FsTypeName, $fs.Magic, $fs.Source)
    Write-Host "--- Test-MailStorageCapability $probeDir (no -PeerPath: cross-client probes are skipped) ---"
    $probes = @(Test-MailStorageCapability -Path $probeDir -TimeoutSeconds 2 -ProgressAction SilentlyContinue)
    $results = @($probes | Where-Object { $_ -is [MailStorage.PowerShell.ProbeResult] })
    $supported = @($results | Where-Object { "$($_.Result)" -eq "Supported" }).Count
    Write-Host ("  {0} probes: {1} supported, {2} skipped, {3} other" -f $results.Count, $supported,
        @($results | Where-Object { "$($_.Result)" -eq "Skipped" }).Count, @($results | Where-Object { "$($_.Result)" -notin "Supported", "Skipped" }).Count)
    $summary = $probes | Where-Object { $_ -is [MailStorage.PowerShell.StorageRecommendation] }
    Write-Host "  This storage needs:"
    foreach ($name in $summary.Settings.Keys) { Write-Host ("    {0,-17} = {1,-9} {2}" -f $name, $summary.Settings[$name], $summary.Reasons[$name]) }
} finally {
    Remove-Item -Recurse -Force $probeDir
}
Write-Host ""
# The indexes of a mailbox, read as Dovecot reads them (the bundled sample was made by doveadm: flags, a keyword,
# an expunge, a Sent folder; its INBOX has only a transaction log, no dovecot.index yet).
$sample = Join-Path $env:MAILSTORAGE_RUN_ROOT "examples/sample-mailbox/Maildir"
Write-Host "--- Get-MailStorageMailbox $sample | Get-MailIndex ---"
$mailboxes = @(Get-MailStorageMailbox -Path $sample)
$indexTable = $mailboxes | ForEach-Object { $i = $_ | Get-MailIndex; [pscustomobject]@{ Mailbox = $_.Name; UidValidity = $i.UidValidity; NextUid = $i.NextUid; Messages = $i.MessagesCount; Seen = $i.SeenCount; Problems = @($i.Problems).Count } } | Format-Table -AutoSize | Out-String
Write-Host ($indexTable.Trim("`r", "`n"))
Write-Host "--- Get-MailIndexRecord (INBOX) ---"
$records = $mailboxes | Where-Object Name -eq "INBOX" | Get-MailIndexRecord | Format-Table Seq, Uid, Flags, Keywords, FileName -AutoSize | Out-String -Width 200
Write-Host ($records.Trim("`r", "`n"))
Write-Host "--- Test-MailIndex (every mailbox of the sample) ---"
$damage = @($mailboxes | Test-MailIndex)
if ($damage.Count -eq 0) { Write-Host "  no damage found" } else { Write-Host (($damage | Format-Table -AutoSize | Out-String -Width 200).Trim("`r", "`n")) }
# A damaged copy of the sample, as a crash mid-write leaves it: bytes past the last whole log record. Found, then
# repaired under the mailbox lock, with the damaged original kept in a quarantine folder.
$copy = Join-Path ([System.IO.Path]::GetTempPath()) ("mailstorage-run-" + [guid]::NewGuid().ToString("N").Substring(0, 8))
$quarantine = $copy + "-quarantine"
try {
    Copy-Item -Recurse $sample $copy
    $log = Join-Path $copy "dovecot.index.log"
    [System.IO.File]::AppendAllText($log, "torn write")
    Write-Host "--- Test-MailIndex on a copy with 10 bytes of garbage after its last log record ---"
    Write-Host ((Get-MailStorageMailbox -Path $copy | Where-Object Name -eq "INBOX" | Test-MailIndex | Format-List Code, Severity, Offset, Message, RepairDescription | Out-String).Trim("`r", "`n"))
    Write-Host "--- Repair-MailIndex (quarantine beside the copy: never inside a mail tree) ---"
    $repairs = @(Get-MailStorageMailbox -Path $copy | Where-Object Name -eq "INBOX" | Repair-MailIndex -QuarantinePath $quarantine -Confirm:$false)
    Write-Host (($repairs | Format-Table Action, File, Before, After -AutoSize | Out-String -Width 200).Trim("`r", "`n"))
    $after = @(Get-MailStorageMailbox -Path $copy | Where-Object Name -eq "INBOX" | Test-MailIndex)
    Write-Host ("  after the repair: {0} problems; the original is kept under {1}" -f $after.Count, $quarantine)
    $repairLeftDamage = $after.Count -gt 0
} finally {
    Remove-Item -Recurse -Force $copy
    if (Test-Path $quarantine) { Remove-Item -Recurse -Force $quarantine }
}
Write-Host ""
Write-Host "--- Get-MailStorageConfig -NonDefault | ConvertTo-DovecotConfig (doveconf -n) ---"
$text = $settings | ConvertTo-DovecotConfig
Write-Host -NoNewline $text
if ($failed.Count -gt 0) { exit 2 }
if ($repairLeftDamage) { exit 3 }
'
