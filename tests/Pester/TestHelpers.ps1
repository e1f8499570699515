# Shared by the *.Tests.ps1 files: where things are, and doveconf as the oracle.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:Manifest = Join-Path $RepoRoot 'MailStorage.psd1'
$script:Example = Join-Path $RepoRoot 'examples/dovecot.conf'
$script:Fixtures = Join-Path $PSScriptRoot 'Fixtures'

# With Pigeonhole installed, doveconf runs the managesieve binary to compute managesieve_*_capability, prints its
# answer in -n although nothing set it, and the child repeats doveconf's warnings. DUMP_CAPABILITY is Pigeonhole's own
# guard that skips the child: doveconf then reads a tree as without Pigeonhole, which is what our reader matches
# (README: "What doveconf prints that we leave out"; the xunit oracle does the same).
$env:DUMP_CAPABILITY = '1'

# doveconf's text without its "# version / OS / Hostname" header, as one string with a newline per line.
function Get-DoveconfText {
    param([Parameter(Mandatory)] [string] $Path, [string[]] $ExtraArguments = @())
    $lines = & doveconf -c $Path -n @ExtraArguments 2>$null
    $body = @($lines | Where-Object { $_ -notmatch '^# ' })
    if ($body.Count -eq 0) { return '' }
    return ($body -join "`n") + "`n"
}

# A private Dovecot (no services) in a fresh temporary directory: doveadm reads it with -c and works on its Maildir as
# uid 65534 (nobody), so the tests need no system Dovecot setup. Returns the root, the Maildir and the config path;
# the caller removes the root in AfterAll.
function New-DovecotTestRoot {
    param([Parameter(Mandatory)] [string] $Name)
    $root = Join-Path ([IO.Path]::GetTempPath()) ("mailstorage-$Name-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $maildir = Join-Path $root 'Maildir'
    New-Item -ItemType Directory -Path $maildir | Out-Null
    # doveadm drops to uid 65534 and must be able to walk into the root.
    & chmod 0755 $root
    $conf = Join-Path $root 'dovecot.conf'
    @(
        "base_dir = $(Join-Path $root 'run')"
        "mail_location = maildir:$maildir"
        'first_valid_uid = 1', 'first_valid_gid = 1', 'mail_uid = 65534', 'mail_gid = 65534', 'ssl = no'
        'userdb {', '  driver = static', "  args = uid=65534 gid=65534 home=$root", '}'
        'passdb {', '  driver = static', '  args = nopassword=y', '}'
    ) | Set-Content -Path $conf
    & chown -R 65534:65534 $maildir
    return $root, $maildir, $conf
}

# doveadm against the private Dovecot of New-DovecotTestRoot (the caller's $Root and $Conf), with pipeline input as
# its stdin; throws with doveadm's output when it fails so a broken fixture cannot pass silently.
function Invoke-Doveadm {
    $old = $env:USER, $env:HOME
    $env:USER = 'nobody'; $env:HOME = $Root
    try {
        $out = $input | & /usr/bin/doveadm -c $Conf @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "doveadm $args failed: $out" }
        $out
    } finally {
        $env:USER, $env:HOME = $old
    }
}
