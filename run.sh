#!/usr/bin/env bash
# Reads a Dovecot configuration with MailStorage and shows what a newcomer should see first: what was read,
# what differs from Dovecot's defaults, the settings shared storage depends on, and doveconf -n's text.
#   ./run.sh                              the bundled clustered-backend example (examples/dovecot.conf)
#   ./run.sh /etc/dovecot/dovecot.conf    your own configuration
set -euo pipefail
cd "$(dirname "$0")"
config="${1:-examples/dovecot.conf}"

# Build when the module is missing or older than any source.
dll=artifacts/module/MailStorage.PowerShell.dll
if [ ! -f "$dll" ] || [ -n "$(find src en-US Directory.Build.props Directory.Packages.props -type f -newer "$dll" -not -path '*/obj/*' -not -path '*/bin/*' | head -n 1)" ]; then
  ./build.sh >&2
fi
dotnet tool restore >/dev/null

export MAILSTORAGE_RUN_CONFIG="$config"
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
Write-Host "--- Get-MailStorageConfig -NonDefault | ConvertTo-DovecotConfig (doveconf -n) ---"
$text = $settings | ConvertTo-DovecotConfig
Write-Host -NoNewline $text
if ($failed.Count -gt 0) { exit 2 }
'
