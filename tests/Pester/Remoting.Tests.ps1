# MailStorage over SSH remoting, as operators fan a runbook out over backends: a private sshd on loopback (started and
# stopped here, key login for this user) whose powershell subsystem is the same pwsh. Objects that come back format
# with the module's views; a lock taken in the remote session refuses to be released here.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Sshd = '/usr/sbin/sshd'
    if (-not (Test-Path $Sshd)) {
        throw "$Sshd is missing: these tests start a private sshd on loopback (./test.sh installs openssh-server as root)."
    }

    $script:Work = Join-Path ([System.IO.Path]::GetTempPath()) ("mailstorage-ssh-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $Work | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Work 'host_key')
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Work 'client_key')
    Copy-Item (Join-Path $Work 'client_key.pub') (Join-Path $Work 'authorized_keys')
    $pwshDll = [System.Reflection.Assembly]::GetEntryAssembly().Location
    $dotnet = (Get-Process -Id $PID).Path
    # sshd refuses to start as non-root without its privilege separation folder; it exists when openssh-server is installed.
    New-Item -ItemType Directory -Force /run/sshd | Out-Null

    $script:Port = 0
    $script:SshdPid = $null
    foreach ($try in 1..10) {
        $candidate = Get-Random -Minimum 40000 -Maximum 60000
        @(
            "Port $candidate"
            'ListenAddress 127.0.0.1'
            "HostKey $(Join-Path $Work 'host_key')"
            "PidFile $(Join-Path $Work 'sshd.pid')"
            "AuthorizedKeysFile $(Join-Path $Work 'authorized_keys')"
            'PermitRootLogin prohibit-password'
            'PasswordAuthentication no'
            'KbdInteractiveAuthentication no'
            'UsePAM no'
            'StrictModes no'
            "Subsystem powershell $dotnet $pwshDll -sshs -NoLogo -NoProfile"
        ) | Set-Content (Join-Path $Work 'sshd_config')
        & $Sshd -f (Join-Path $Work 'sshd_config') -E (Join-Path $Work 'sshd.log')
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ([DateTime]::UtcNow -lt $deadline -and -not (Test-Path (Join-Path $Work 'sshd.pid'))) { Start-Sleep -Milliseconds 50 }
        if (Test-Path (Join-Path $Work 'sshd.pid')) { $script:Port = $candidate; $script:SshdPid = [int](Get-Content (Join-Path $Work 'sshd.pid')); break }
    }

    if ($Port -eq 0) { throw "no private sshd started: $(Get-Content -Raw (Join-Path $Work 'sshd.log') -ErrorAction SilentlyContinue)" }
    $script:Session = New-PSSession -HostName 127.0.0.1 -Port $Port -UserName ([Environment]::UserName) -KeyFilePath (Join-Path $Work 'client_key') `
        -Options @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
    Invoke-Command -Session $Session -ScriptBlock { param($m) Import-Module $m } -ArgumentList $Manifest

    # A damaged copy of the sample mailbox: bytes past the last whole log record, as a crash mid-write leaves them.
    $script:Mailbox = Join-Path $Work 'Maildir'
    Copy-Item -Recurse (Join-Path $RepoRoot 'examples/sample-mailbox/Maildir') $Mailbox
    [System.IO.File]::AppendAllText((Join-Path $Mailbox 'dovecot.index.log'), 'torn write')
    Import-Module $Manifest -Force
}

AfterAll {
    if ($Session) { Remove-PSSession $Session }
    if ($SshdPid) { Stop-Process -Id $SshdPid -ErrorAction SilentlyContinue }
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}

Describe 'MailStorage over SSH remoting' {
    It 'Test-MailIndex in the remote session returns findings that format with the module''s table view' {
        $found = @(Invoke-Command -Session $Session -ScriptBlock { param($m) Test-MailIndex -Path $m } -ArgumentList $Mailbox)
        $found.Count | Should -BeGreaterThan 0
        $found[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.MailStorage.PowerShell.MailIndexDamage'
        $found[0].Code | Should -Be 'LogGarbageAtEnd'
        $table = $found | Format-Table | Out-String -Width 250
        # The module's columns, not a property dump with PSComputerName and RunspaceId.
        $table | Should -Match 'Mailbox\s+Severity\s+Code\s+File\s+Offset\s+Repair\s+Message'
        $table | Should -Not -Match 'RunspaceId'
    }

    It 'Get-MailStorageConfig in the remote session formats with the setting view' {
        $settings = @(Invoke-Command -Session $Session -ScriptBlock { param($c) Get-MailStorageConfig $c -NonDefault } -ArgumentList $Example)
        $settings[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.MailStorage.PowerShell.DovecotSetting'
        ($settings | Format-Table | Out-String -Width 250) | Should -Not -Match 'RunspaceId'
    }

    It 'a lock taken in the remote session is refused here with a clear message, and stays held there' {
        $lock = Invoke-Command -Session $Session -ScriptBlock { param($m) $global:held = Lock-MailIndex -Path $m -Method Fcntl; $global:held } -ArgumentList $Mailbox
        $lock.PSObject.TypeNames[0] | Should -Be 'Deserialized.MailStorage.PowerShell.MailIndexLock'
        ($lock | Format-Table | Out-String -Width 250) | Should -Match 'Copy \(held by its session\)'
        $thrown = { Unlock-MailIndex $lock } | Should -Throw -PassThru
        $thrown.Exception.Message | Should -Match 'taken in another PowerShell session'
        $thrown.Exception.Message | Should -Match ([regex]::Escape($Mailbox))
        $errors = @()
        $lock | Unlock-MailIndex -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].Exception.Message | Should -Match 'taken in another PowerShell session'
        Invoke-Command -Session $Session -ScriptBlock { $global:held.IsHeld } | Should -BeTrue
        Invoke-Command -Session $Session -ScriptBlock { Unlock-MailIndex $global:held; $global:held.IsHeld } | Should -BeFalse
    }
}
