# Shared by the *.Tests.ps1 files: where things are, and doveconf as the oracle.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:Manifest = Join-Path $RepoRoot 'MailStorage.psd1'
$script:Example = Join-Path $RepoRoot 'examples/dovecot.conf'
$script:Fixtures = Join-Path $PSScriptRoot 'Fixtures'

# doveconf's text without its "# version / OS / Hostname" header, as one string with a newline per line.
function Get-DoveconfText {
    param([Parameter(Mandatory)] [string] $Path, [string[]] $ExtraArguments = @())
    $lines = & doveconf -c $Path -n @ExtraArguments 2>$null
    $body = @($lines | Where-Object { $_ -notmatch '^# ' })
    if ($body.Count -eq 0) { return '' }
    return ($body -join "`n") + "`n"
}
