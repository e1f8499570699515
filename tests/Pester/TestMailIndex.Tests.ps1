BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force

    # A private Dovecot (no services) builds a mail root with INBOX and Sent; tests damage copies of it.
    $script:Root, $script:Maildir, $script:Conf = New-DovecotTestRoot 'verify'

    $rewrite = '-o', 'mail_index_rewrite_min_log_bytes=1', '-o', 'mail_index_rewrite_max_log_bytes=1'
    foreach ($i in 1..6) { "Subject: message $i`n`nbody $i`n" | Invoke-Doveadm save | Out-Null }
    Invoke-Doveadm mailbox create Sent | Out-Null
    foreach ($i in 1..3) { "Subject: sent $i`n`nbody $i`n" | Invoke-Doveadm save -m Sent | Out-Null }
    Invoke-Doveadm @rewrite flags add '\Seen' mailbox INBOX uid 1:3 | Out-Null
    Invoke-Doveadm @rewrite flags add '\Seen' mailbox Sent uid 1:3 | Out-Null

    # A copy of the whole mail root (owner and modes kept), to damage.
    function New-MailRootCopy {
        $copy = Join-Path $Root ('copy-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        & cp -a $Maildir $copy
        $copy
    }

    function Set-UInt32 ([string] $Path, [long] $Offset, [uint32] $Value) {
        $stream = [IO.File]::Open($Path, 'Open', 'Write')
        try {
            $stream.Position = $Offset
            $stream.Write([BitConverter]::GetBytes($Value), 0, 4)
        } finally {
            $stream.Dispose()
        }
    }
}

AfterAll {
    if ($Root -and (Test-Path $Root)) { Remove-Item -Recurse -Force $Root }
}

Describe 'Test-MailIndex' {
    It 'writes nothing for sound mailboxes piped from Get-MailStorageMailbox' {
        $boxes = @(Get-MailStorageMailbox -Path $Maildir)
        $boxes.Name | Should -Be @('INBOX', 'Sent')
        @($boxes | Test-MailIndex) | Should -HaveCount 0
        @($boxes | Test-MailIndex -Quiet) | Should -Be @($true, $true)
    }

    It 'finds next_uid 0 with its offset, Dovecot''s wording and the fsck change that repairs it' {
        $copy = New-MailRootCopy
        $index = Join-Path $copy 'dovecot.index'
        $nextUid = [BitConverter]::ToUInt32([IO.File]::ReadAllBytes($index), 28)
        Set-UInt32 $index 28 0

        $damage = @(Test-MailIndex -Path $copy)
        $damage | Should -HaveCount 1
        $damage[0] | Should -BeOfType ([MailStorage.PowerShell.MailIndexDamage])
        $damage[0].Code | Should -Be ([MailStorage.PowerShell.MailIndexDamageKind]::IndexNextUidZero)
        $damage[0].Severity | Should -Be 'Error'
        $damage[0].File | Should -Be $index
        $damage[0].Offset | Should -Be 28
        $damage[0].Message | Should -Be 'next_uid=0'
        $damage[0].Repairable | Should -BeTrue
        $damage[0].Repair | Should -Be 'FixIndexHeader'
        $damage[0].RepairDescription | Should -Be "next_uid 0 -> $nextUid"
        $damage[0].IndexDirectory | Should -Be $copy
        $damage[0].Mailbox | Should -Be $copy
        @(Test-MailIndex -Path $copy -Quiet) | Should -Be @($false)
    }

    It 'verifies every mailbox of a mail root with -Recurse, in order, whatever the throttle limit' {
        $copy = New-MailRootCopy
        # Sent's uidlist: swap its first two message lines.
        $uidlist = Join-Path $copy '.Sent/dovecot-uidlist'
        $lines = [IO.File]::ReadAllLines($uidlist)
        $lines[1], $lines[2] = $lines[2], $lines[1]
        [IO.File]::WriteAllText($uidlist, ($lines -join "`n") + "`n")
        # INBOX: garbage after the last log record.
        $log = Join-Path $copy 'dovecot.index.log'
        $length = (Get-Item $log).Length
        [IO.File]::AppendAllText($log, 'garbage!!')

        $one = @(Test-MailIndex -Path $copy -Recurse -ThrottleLimit 1)
        $many = @(Test-MailIndex -Path $copy -Recurse -ThrottleLimit 8)
        ($many | ForEach-Object ToString) | Should -Be ($one | ForEach-Object ToString)
        $one.Mailbox | Should -Be @('INBOX', 'Sent')
        $one[0].Code | Should -Be 'LogGarbageAtEnd'
        $one[0].Offset | Should -Be $length
        $one[0].Message | Should -Be "Unexpected garbage at EOF (sync_offset=$length)"
        $one[1].Code | Should -Be 'UidListNotOrdered'
        $one[1].Message | Should -Be 'line 3: UIDs not ordered (1 >= 2)'
        $one[1].ControlDirectory | Should -Be (Join-Path $copy '.Sent')
        @(Test-MailIndex -Path $copy -Recurse -Quiet) | Should -Be @($false, $false)
    }

    It 'reports mail not yet seen by Dovecot only with -Severity Info' {
        $copy = New-MailRootCopy
        Set-Content -Path (Join-Path $copy 'new/1700000000.M1P1.elsewhere') -Value "Subject: late`n`nbody"
        @(Test-MailIndex -Path $copy) | Should -HaveCount 0
        $info = @(Test-MailIndex -Path $copy -Severity Info)
        $info | Should -HaveCount 1
        $info[0].Code | Should -Be 'MessageMissingFromUidList'
        $info[0].Severity | Should -Be 'Info'
        $info[0].Offset | Should -BeNullOrEmpty
    }

    It 'reports a symlink in place of dovecot.index without following it' {
        $copy = New-MailRootCopy
        $outside = Join-Path $Root 'outside-file'
        [IO.File]::WriteAllBytes($outside, [byte[]]::new(512))
        $index = Join-Path $copy 'dovecot.index'
        # -Force: the file belongs to the mail user, and PowerShell calls it read-only for anyone else.
        Remove-Item -Force $index
        New-Item -ItemType SymbolicLink -Path $index -Target $outside | Out-Null

        $damage = @(Test-MailIndex -Path $copy)
        $damage.Code | Should -Be @('SymlinkedIndexFile')
        $damage[0].Message | Should -BeLike "*$outside*not followed"
        $damage[0].Repairable | Should -BeFalse
    }

    It 'shows problems in a table with the file name' {
        $copy = New-MailRootCopy
        Set-UInt32 (Join-Path $copy 'dovecot.index') 28 0
        $text = Test-MailIndex -Path $copy | Format-Table | Out-String -Width 250
        $text | Should -Match 'Mailbox\s+Severity\s+Code\s+File\s+Offset\s+Repair\s+Message'
        $text | Should -Match 'Error\s+IndexNextUidZero\s+dovecot\.index\s+28\s+FixIndexHeader\s+next_uid=0'
    }

    It 'confirms a problem under Dovecot''s lock, and only warns when the lock cannot be had' {
        $copy = New-MailRootCopy
        Set-UInt32 (Join-Path $copy 'dovecot.index') 28 0
        $before = @(Get-ChildItem -Force -Name $copy | Sort-Object)
        $confirmed = @(Test-MailIndex -Path $copy -ConfigPath $Conf)
        $confirmed.Code | Should -Be @('IndexNextUidZero')
        $confirmed[0].Severity | Should -Be 'Error'
        $confirmed[0].ConfirmedUnderLock | Should -BeTrue
        ($confirmed[0] | Format-List | Out-String) | Should -Match 'ConfirmedUnderLock\s+:\s+True'
        # The uidlist dotlock came and went; the fcntl lock on the log is the kernel's only.
        @(Get-ChildItem -Force -Name $copy | Sort-Object) | Should -Be $before

        # Dovecot's side: a classic fcntl write lock on dovecot.index.log, as Dovecot holds it while it writes.
        $start = [Diagnostics.ProcessStartInfo]::new('python3')
        foreach ($a in '-c', "import fcntl, sys, time`nf = open(sys.argv[1], 'r+')`nfcntl.lockf(f, fcntl.LOCK_EX)`nprint('locked', flush=True)`ntime.sleep(60)", (Join-Path $copy 'dovecot.index.log')) {
            $start.ArgumentList.Add($a)
        }
        $start.RedirectStandardOutput = $true
        $holder = [Diagnostics.Process]::Start($start)
        try {
            $holder.StandardOutput.ReadLine() | Should -Be 'locked'
            $unconfirmed = @(Test-MailIndex -Path $copy -LockTimeout 0)
            $unconfirmed.Code | Should -Be @('IndexNextUidZero')
            $unconfirmed[0].Severity | Should -Be 'Warning'
            $unconfirmed[0].ConfirmedUnderLock | Should -BeFalse
            $unconfirmed[0].Message | Should -BeLike "next_uid=0 (not confirmed: Dovecot may have been writing, and the mailbox lock to look again could not be had: *WRITE lock held by pid $($holder.Id)))"
        } finally {
            $holder.Kill()
            $holder.WaitForExit()
        }
    }

    It 'writes TestMailIndexPathNotFound for a missing folder and goes on' {
        $missing = Join-Path $Root 'no-such-folder'
        $out = @($missing, $Maildir | Test-MailIndex -Quiet -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'TestMailIndexPathNotFound,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $out | Should -Be @($true)
        { Test-MailIndex -Path $missing -Recurse -ErrorAction Stop } | Should -Throw -ErrorId 'TestMailIndexPathNotFound,*'
    }

    It 'writes TestMailIndexNotAMailbox for a folder that is no mailbox, never $true, and goes on' {
        # What /etc looks like: files and folders, none of Dovecot's.
        $notMailbox = Join-Path $Root ('etc-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        New-Item -ItemType Directory -Path (Join-Path $notMailbox 'ssl') | Out-Null
        Set-Content -Path (Join-Path $notMailbox 'passwd') -Value 'root:x:0:0::/root:/bin/sh'
        $out = @($notMailbox, $Maildir | Test-MailIndex -Quiet -ErrorVariable errors -ErrorAction SilentlyContinue)
        $out | Should -Be @($true)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'TestMailIndexNotAMailbox,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$($errors[0])" | Should -BeLike "*$notMailbox*not a Dovecot mailbox*dovecot.index*dovecot-uidlist*cur/*"

        # -Recurse counts no such folder: a root with no mailbox is the same error, and nothing is verified.
        @(Test-MailIndex -Path $notMailbox -Recurse -Quiet -ErrorVariable rootErrors -ErrorAction SilentlyContinue) | Should -HaveCount 0
        $rootErrors | Should -HaveCount 1
        $rootErrors[0].FullyQualifiedErrorId | Should -BeLike 'TestMailIndexNotAMailbox,*'
    }

    It 'takes a fresh Maildir Dovecot has not opened yet (cur, new, tmp) as a sound mailbox' {
        $fresh = Join-Path $Root ('fresh-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        foreach ($sub in 'cur', 'new', 'tmp') { New-Item -ItemType Directory -Path (Join-Path $fresh $sub) | Out-Null }
        Test-MailIndex -Path $fresh -Quiet -ErrorAction Stop | Should -Be $true
        @(Test-MailIndex -Path $fresh -Recurse -Quiet -ErrorAction Stop) | Should -Be @($true)
    }

    It 'mirrors the engine''s problem kinds, severities and repairs name for name' {
        Test-MailIndex -Path $Maildir | Out-Null
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MailStorage.Core' }
        $core | Should -Not -BeNullOrEmpty
        foreach ($pair in @(
                @('MailStorage.Core.Verification.IndexDamageKind', [MailStorage.PowerShell.MailIndexDamageKind]),
                @('MailStorage.Core.Verification.DamageSeverity', [MailStorage.PowerShell.MailIndexDamageSeverity]),
                @('MailStorage.Core.Verification.RecommendedRepair', [MailStorage.PowerShell.MailIndexRepairAction]))) {
            $engine = $core.GetType($pair[0], $true)
            [Enum]::GetNames($pair[1]) | Should -Be ([Enum]::GetNames($engine)) -Because $pair[0]
            [int[]][Enum]::GetValues($pair[1]) | Should -Be ([int[]][Enum]::GetValues($engine)) -Because $pair[0]
        }

        # A value the mirror lacks (an engine member added without its mirror) fails loudly, never becomes another member.
        $mirror = [MailStorage.PowerShell.MailIndexDamageKind].Assembly.GetType('MailStorage.PowerShell.EngineEnum', $true).
            GetMethod('Mirror').MakeGenericMethod([MailStorage.PowerShell.MailIndexDamageKind])
        $kind = $core.GetType('MailStorage.Core.Verification.IndexDamageKind', $true)
        $mirror.Invoke($null, @([Enum]::ToObject($kind, 1))) | Should -Be ([MailStorage.PowerShell.MailIndexDamageKind]::SymlinkedIndexFile)
        $failure = { $mirror.Invoke($null, @([Enum]::ToObject($kind, 9999))) } | Should -Throw -PassThru
        $failure.Exception.InnerException | Should -BeOfType ([InvalidOperationException])
        $failure.Exception.InnerException.Message | Should -BeLike '*IndexDamageKind.9999 has no member*out of date*'
    }
}
