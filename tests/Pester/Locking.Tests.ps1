BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force

    $script:Root = Join-Path ([IO.Path]::GetTempPath()) ('mailstorage-locking-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $Root | Out-Null

    # A Maildir with the index file the lock is taken on; its content does not matter to the lock.
    function New-TestMaildir([string] $Name) {
        $dir = Join-Path $Root $Name
        foreach ($sub in 'cur', 'new', 'tmp') { New-Item -ItemType Directory -Force -Path (Join-Path $dir $sub) | Out-Null }
        [IO.File]::WriteAllBytes((Join-Path $dir 'dovecot.index.log'), [byte[]](1, 2, 40, 0) + [byte[]]::new(36))
        return $dir
    }

    # A pid no process has: Dovecot overrides a dotlock of such a pid of this host once it is older than 2 s.
    function Get-DeadPid {
        $candidate = 999999
        while (Test-Path "/proc/$candidate") { $candidate-- }
        return $candidate
    }

    # The host name dotlocks carry (gethostname(), as Dovecot writes it).
    $script:HostName = [System.Net.Dns]::GetHostName()

    # Runs a script in a second runspace of this process and stops it as Ctrl+C would, after $After seconds; how long
    # the stop took.
    function Measure-Stop([string] $Script, [double] $After) {
        $ps = [powershell]::Create()
        try {
            [void]$ps.AddScript("Import-Module '$Manifest'; $Script")
            $handle = $ps.BeginInvoke()
            Start-Sleep -Milliseconds ([int]($After * 1000))
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Stop()
            [pscustomobject]@{ Seconds = $watch.Elapsed.TotalSeconds; Completed = $handle.IsCompleted; State = $ps.InvocationStateInfo.State }
        } finally {
            $ps.Dispose()
        }
    }
}

AfterAll {
    if ($Root -and (Test-Path $Root)) { Remove-Item -Recurse -Force $Root }
}

Describe 'Lock-MailIndex and Unlock-MailIndex' {
    BeforeAll {
        $script:Maildir = New-TestMaildir 'roundtrip'
        $script:Log = Join-Path $Maildir 'dovecot.index.log'
    }

    It 'locks dovecot.index.log with an fcntl write lock that stays held after the command, and releases it' {
        $lock = Lock-MailIndex -Path $Maildir -TimeoutSeconds 5
        try {
            $lock | Should -BeOfType ([MailStorage.PowerShell.MailIndexLock])
            $lock.Path | Should -Be $Maildir
            $lock.Method | Should -Be ([MailStorage.PowerShell.MailIndexLockMethod]::Fcntl)
            $lock.Mode | Should -Be ([MailStorage.PowerShell.MailIndexLockMode]::Exclusive)
            $lock.LockedFiles | Should -Be @($Log)
            $lock.IsHeld | Should -BeTrue
            $lock.IsLost | Should -BeFalse
            $lock.AcquiredAt | Should -BeGreaterThan ([DateTimeOffset]::Now.AddMinutes(-1))

            $held = @(Get-MailIndexLock -Path $Maildir)
            $held.Count | Should -Be 1
            $held[0].Pid | Should -Be $PID
            $held[0].Method | Should -Be 'Fcntl'
            $held[0].File | Should -Be $Log
        } finally {
            Unlock-MailIndex -Lock $lock
        }

        $lock.IsHeld | Should -BeFalse
        @(Get-MailIndexLock -Path $Maildir).Count | Should -Be 0
        # Released: it can be taken again at once.
        Lock-MailIndex -Path $Maildir -TimeoutSeconds 0 | Unlock-MailIndex
    }

    It 'makes a Lock-MailIndex -TimeoutSeconds 1 in another pwsh process time out, naming this process as the holder' {
        $lock = Lock-MailIndex -Path $Maildir
        try {
            $result = Start-Job -ScriptBlock {
                Import-Module $using:Manifest
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $got = Lock-MailIndex -Path $using:Maildir -TimeoutSeconds 1 -ErrorAction SilentlyContinue -ErrorVariable failed
                [pscustomobject]@{
                    Got      = @($got).Count
                    Id       = $failed[0].FullyQualifiedErrorId
                    Category = $failed[0].CategoryInfo.Category.ToString()
                    Message  = $failed[0].Exception.Message
                    Target   = $failed[0].TargetObject
                    Seconds  = $watch.Elapsed.TotalSeconds
                    Pid      = $PID
                }
            } | Receive-Job -Wait -AutoRemoveJob
        } finally {
            Unlock-MailIndex $lock
        }

        $result.Pid | Should -Not -Be $PID -Because 'the second lock must come from another process'
        $result.Got | Should -Be 0
        $result.Id | Should -BeLike 'LockMailIndexTimedOut,*'
        $result.Category | Should -Be 'OperationTimeout'
        $result.Target | Should -Be $Maildir
        $result.Message | Should -BeLike "Timeout (1s) while waiting for lock for transaction log file $Log (WRITE lock held by pid $PID)*"
        $result.Message | Should -Match 'lock_method=fcntl, waited 1\.\d\d s'
        $result.Seconds | Should -BeGreaterOrEqual 0.95
        $result.Seconds | Should -BeLessThan 5
    }

    It 'is Busy at once with -TimeoutSeconds 0 (two locks of one process exclude each other too)' {
        $lock = Lock-MailIndex -Path $Maildir
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $second = Lock-MailIndex -Path $Maildir -TimeoutSeconds 0 -ErrorAction SilentlyContinue -ErrorVariable failed
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 0.5
            $second | Should -BeNullOrEmpty
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'LockMailIndexBusy,*'
            $failed[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
            $failed[0].Exception.Message | Should -BeLike "Could not lock transaction log file $Log*: already locked (WRITE lock held by pid $PID)*"
        } finally {
            Unlock-MailIndex $lock
        }
    }

    It 'takes dotlocks with pid:hostname for the log and the uidlist, and removes them on unlock' {
        $lock = Lock-MailIndex -Path $Maildir -Method Dotlock -IncludeUidList
        try {
            $lock.Method | Should -Be 'Dotlock'
            $lock.LockedFiles | Should -Be @("$Log.lock", (Join-Path $Maildir 'dovecot-uidlist.lock'))
            Get-Content -Raw "$Log.lock" | Should -BeExactly "${PID}:$HostName"
            Get-Content -Raw (Join-Path $Maildir 'dovecot-uidlist.lock') | Should -BeExactly "${PID}:$HostName"
        } finally {
            Unlock-MailIndex $lock
        }

        Test-Path "$Log.lock" | Should -BeFalse
        Test-Path (Join-Path $Maildir 'dovecot-uidlist.lock') | Should -BeFalse
    }

    It 'warns UnlockMailIndexLost when its dotlock was removed meanwhile, and deletes nothing' {
        $lock = Lock-MailIndex -Path $Maildir -Method Dotlock
        # Someone else's lock replaces ours (renamed over it, so it cannot reuse our inode number as an unlink and a
        # create can: then even Dovecot cannot tell the files apart).
        Set-Content -NoNewline -Path "$Log.other" -Value "1:someone-else"
        [IO.File]::Move("$Log.other", "$Log.lock", $true)
        $lock.IsLost | Should -BeTrue
        try {
            Unlock-MailIndex $lock -WarningAction SilentlyContinue -WarningVariable warned
            @($warned).Count | Should -Be 1
            "$($warned[0])" | Should -BeLike "Dotlock was lost for $Log.lock*(UnlockMailIndexLost)"
            Get-Content -Raw "$Log.lock" | Should -BeExactly '1:someone-else' -Because "someone else's lock must survive"
        } finally {
            Remove-Item -Force "$Log.lock" -ErrorAction SilentlyContinue
        }
    }

    It 'takes lock_method and mail_max_lock_timeout from -ConfigPath, per -Filter, and -Method overrides them' {
        $conf = Join-Path $Root 'dovecot.conf'
        Set-Content -Path $conf -Value 'lock_method = dotlock', 'mail_max_lock_timeout = 1s', 'protocol imap {', '  lock_method = flock', '}'
        $a = Lock-MailIndex -Path $Maildir -ConfigPath $conf
        try { $a.Method | Should -Be 'Dotlock' } finally { Unlock-MailIndex $a }
        $b = Lock-MailIndex -Path $Maildir -ConfigPath $conf -Filter protocol=imap
        try { $b.Method | Should -Be 'Flock' } finally { Unlock-MailIndex $b }
        $c = Lock-MailIndex -Path $Maildir -ConfigPath $conf -Method Fcntl
        try { $c.Method | Should -Be 'Fcntl' } finally { Unlock-MailIndex $c }

        # mail_max_lock_timeout = 1s caps the wait.
        $held = Lock-MailIndex -Path $Maildir -Method Dotlock
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Lock-MailIndex -Path $Maildir -ConfigPath $conf -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 4
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'LockMailIndexTimedOut,*'
            $failed[0].Exception.Message | Should -BeLike "Timeout (1s) while waiting for dotlock for transaction log file $Log (dotlock held by pid $PID on host $HostName*"
        } finally {
            Unlock-MailIndex $held
        }
    }

    It 'refuses what cannot be locked, with stable error ids' {
        { Lock-MailIndex -Path $Maildir -Method Dotlock -Shared } | Should -Throw -ErrorId 'LockMailIndexSharedDotlock,*'
        { Lock-MailIndex -Path $Maildir -ConfigPath (Join-Path $Root 'missing.conf') } | Should -Throw -ErrorId 'LockMailIndexConfigFileNotFound,*'

        $empty = Join-Path $Root 'no-index'
        New-Item -ItemType Directory -Force -Path $empty | Out-Null
        Lock-MailIndex -Path $empty -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'LockMailIndexNoIndexLog,*'
        Test-Path (Join-Path $empty 'dovecot.index.log') | Should -BeFalse -Because 'locking must not create an index log'

        Lock-MailIndex -Path (Join-Path $Root 'nowhere') -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'LockMailIndexPathNotFound,*'
    }

    It 'takes nothing with -WhatIf (no dotlock file), and a shared lock with -Shared' {
        Lock-MailIndex -Path $Maildir -Method Dotlock -WhatIf | Should -BeNullOrEmpty
        Test-Path "$Log.lock" | Should -BeFalse

        $shared = Lock-MailIndex -Path $Maildir -Shared
        $also = Lock-MailIndex -Path $Maildir -Shared -TimeoutSeconds 0
        try {
            $shared.Mode | Should -Be 'Shared'
            $also.Mode | Should -Be 'Shared' -Because 'shared locks do not exclude each other'
            (Get-MailIndexLock -Path $Maildir | Select-Object -First 1).Mode | Should -Be 'Shared'
            Lock-MailIndex -Path $Maildir -TimeoutSeconds 0 -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'LockMailIndexBusy,*'
        } finally {
            $shared, $also | Unlock-MailIndex
        }
    }

    It 'locks every folder from the pipeline' {
        $other = New-TestMaildir 'second'
        $locks = @(Get-Item $Maildir, $other | Lock-MailIndex -Method Flock)
        try {
            $locks.Count | Should -Be 2
            $locks.Path | Should -Be @($Maildir, $other)
        } finally {
            $locks | Unlock-MailIndex
        }
    }

    It 'stops waiting at once on Ctrl+C' {
        $lock = Lock-MailIndex -Path $Maildir
        try {
            $stop = Measure-Stop -Script "Lock-MailIndex -Path '$Maildir' -TimeoutSeconds 60" -After 1
            $stop.Seconds | Should -BeLessThan 1
            $stop.State | Should -Be 'Stopped'
        } finally {
            Unlock-MailIndex $lock
        }
    }

    It 'formats the lock as a table' {
        $lock = Lock-MailIndex -Path $Maildir
        try {
            $text = $lock | Format-Table | Out-String -Width 250
            $text | Should -Match 'Method\s+Mode\s+State\s+AcquiredAt\s+Path\s+LockedFiles'
            $text | Should -Match 'Fcntl\s+Exclusive\s+Held\s+.*dovecot\.index\.log'
        } finally {
            Unlock-MailIndex $lock
        }
    }
}

Describe 'Use-MailIndexLock' {
    BeforeAll {
        $script:Maildir = New-TestMaildir 'use'
    }

    It 'runs the block under the lock ($_ is the lock), outputs what the block outputs, and releases the lock' {
        $out = @(Use-MailIndexLock -Path $Maildir -ScriptBlock {
                param($word)
                "$word $($_.Method) $($_.IsHeld)"
                (Get-MailIndexLock -Path $_.Path).Pid
            } -ArgumentList hello)
        $out | Should -Be @('hello Fcntl True', $PID)
        @(Get-MailIndexLock -Path $Maildir).Count | Should -Be 0
    }

    It 'releases the lock when the block throws, and passes the error on' {
        { Use-MailIndexLock -Path $Maildir -Method Dotlock -ScriptBlock { throw 'boom' } } | Should -Throw 'boom'
        @(Get-MailIndexLock -Path $Maildir).Count | Should -Be 0
        Test-Path (Join-Path $Maildir 'dovecot.index.log.lock') | Should -BeFalse
        Lock-MailIndex -Path $Maildir -TimeoutSeconds 0 | Unlock-MailIndex
    }

    It 'releases the lock when Ctrl+C stops the block' {
        $stop = Measure-Stop -Script "Use-MailIndexLock -Path '$Maildir' -Method Dotlock -ScriptBlock { Start-Sleep -Seconds 60 }" -After 1.5
        $stop.Seconds | Should -BeLessThan 2
        @(Get-MailIndexLock -Path $Maildir).Count | Should -Be 0
        Test-Path (Join-Path $Maildir 'dovecot.index.log.lock') | Should -BeFalse
    }

    It 'does not run the block when the lock is not granted' {
        $lock = Lock-MailIndex -Path $Maildir
        try {
            $ran = [ref]$false
            Use-MailIndexLock -Path $Maildir -TimeoutSeconds 0 -ScriptBlock { $ran.Value = $true } -ErrorAction SilentlyContinue -ErrorVariable failed
            $ran.Value | Should -BeFalse
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'UseMailIndexLockBusy,*'
        } finally {
            Unlock-MailIndex $lock
        }
    }
}

Describe 'Get-MailIndexLock and Remove-MailIndexLock' {
    BeforeAll {
        $script:Maildir = New-TestMaildir 'holders'
        $script:Sub = New-TestMaildir 'holders/.Sent'
        $script:Stale = Join-Path $Sub 'dovecot.index.log.lock'
        $script:DeadPid = Get-DeadPid
        Set-Content -NoNewline -Path $Stale -Value "${DeadPid}:$HostName"
        # Older than Dovecot's 2 s before a dead pid's dotlock counts as stale.
        Start-Sleep -Milliseconds 2200
    }

    It 'lists our lock (pid $PID, this process) and, with -Recurse, a stale dotlock of a dead pid' {
        $lock = Lock-MailIndex -Path $Maildir
        try {
            $found = @(Get-MailIndexLock -Path $Maildir -Recurse)
            $ours = $found | Where-Object File -eq (Join-Path $Maildir 'dovecot.index.log')
            $ours.Pid | Should -Be $PID
            $ours.ProcessName | Should -Be (Get-Process -Id $PID).ProcessName
            $ours.IsStale | Should -BeFalse
            $stale = $found | Where-Object File -eq $Stale
            $stale.Method | Should -Be 'Dotlock'
            $stale.Pid | Should -Be $DeadPid
            $stale.Host | Should -Be $HostName
            $stale.IsStale | Should -BeTrue
            $stale.ProcessName | Should -BeNullOrEmpty
            @(Get-MailIndexLock -Path $Maildir).Count | Should -Be 1 -Because 'without -Recurse only the folder itself is looked at'

            $text = $found | Format-Table | Out-String -Width 250
            $text | Should -Match 'Method\s+Mode\s+Pid\s+ProcessName\s+Host\s+Age\s+IsStale\s+File'
        } finally {
            Unlock-MailIndex $lock
        }
    }

    It 'removes nothing with -WhatIf' {
        Remove-MailIndexLock -Path $Maildir -Recurse -WhatIf | Should -BeNullOrEmpty
        Test-Path $Stale | Should -BeTrue
    }

    It 'refuses a live dotlock, naming its holder' {
        $lock = Lock-MailIndex -Path $Maildir -Method Dotlock
        try {
            Remove-MailIndexLock -Path "$(Join-Path $Maildir 'dovecot.index.log.lock')" -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'RemoveMailIndexLockLive,*'
            $failed[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
            $failed[0].Exception.Message | Should -Match "dotlock held by pid $PID on host $([regex]::Escape($HostName))"
            Test-Path (Join-Path $Maildir 'dovecot.index.log.lock') | Should -BeTrue
            $lock.IsLost | Should -BeFalse
        } finally {
            Unlock-MailIndex $lock
        }
    }

    It 'refuses a file that is not a dotlock' {
        Remove-MailIndexLock -Path (Join-Path $Maildir 'dovecot.index.log') -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'RemoveMailIndexLockNotDotlock,*'
        Test-Path (Join-Path $Maildir 'dovecot.index.log') | Should -BeTrue
    }

    It 'removes the stale dotlock and outputs it' {
        $removed = @(Remove-MailIndexLock -Path $Maildir -Recurse -Confirm:$false)
        $removed.Count | Should -Be 1
        $removed[0].File | Should -Be $Stale
        $removed[0].Pid | Should -Be $DeadPid
        Test-Path $Stale | Should -BeFalse
        Test-Path (Join-Path $Sub 'dovecot.index.log') | Should -BeTrue
    }

    It 'removes what Get-MailIndexLock found stale, through the pipeline' {
        Set-Content -NoNewline -Path $Stale -Value "${DeadPid}:$HostName"
        (Get-Item $Stale).LastWriteTime = (Get-Date).AddSeconds(-10)
        Start-Sleep -Milliseconds 2200
        $removed = @(Get-MailIndexLock -Path $Sub | Where-Object IsStale | Remove-MailIndexLock -Confirm:$false)
        $removed.File | Should -Be $Stale
        Test-Path $Stale | Should -BeFalse
    }
}

Describe 'Get-MailIndexLock and Remove-MailIndexLock touch only the lock files Dovecot creates' {
    BeforeAll {
        $script:Tree = Join-Path $Root 'foreign'
        $script:Inbox = New-TestMaildir 'foreign/Maildir'
        New-Item -ItemType Directory -Path (Join-Path $Tree 'sub') | Out-Null
        $script:DeadPid = Get-DeadPid
        $script:Outside = Join-Path ([IO.Path]::GetTempPath()) ('mailstorage-outside-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        Set-Content -NoNewline -Path $Outside -Value "${DeadPid}:$HostName"

        # Not Dovecot's, though each looks like a stale dotlock by its content and age.
        $script:Foreign = @(
            @{ Path = (Join-Path $Tree 'random.lock'); Text = "${DeadPid}:$HostName" },
            @{ Path = (Join-Path $Tree 'sub/important.lock'); Text = '999999:vm' },
            @{ Path = (Join-Path $Tree '.pwd.lock'); Text = '' },
            @{ Path = (Join-Path $Tree 'foo.lock'); Text = '' }
        ) | ForEach-Object { Set-Content -NoNewline -Path $_.Path -Value $_.Text; $_.Path }
        $script:Link = Join-Path $Tree 'dovecot-uidlist.lock'
        New-Item -ItemType SymbolicLink -Path $Link -Target $Outside | Out-Null

        # Dovecot's: a stale uidlist dotlock of a dead pid of this host, and a fresh empty keywords lock.
        Set-Content -NoNewline -Path (Join-Path $Inbox 'dovecot-uidlist') -Value "3 V1 N1`n"
        $script:Stale = Join-Path $Inbox 'dovecot-uidlist.lock'
        Set-Content -NoNewline -Path $Stale -Value "${DeadPid}:$HostName"
        $script:Empty = Join-Path $Inbox 'dovecot-keywords.lock'
        Set-Content -NoNewline -Path $Empty -Value ''
        foreach ($file in $Foreign + $Stale) { (Get-Item -Force $file).LastWriteTime = (Get-Date).AddHours(-1) }
        $script:Hashes = @{}
        foreach ($file in $Foreign + $Outside) { $Hashes[$file] = (Get-FileHash $file).Hash }
    }

    AfterAll {
        Remove-Item -Force $Outside -ErrorAction SilentlyContinue
    }

    It 'lists only Dovecot''s lock files, the empty one without a pid, and warns about the link' {
        $found = @(Get-MailIndexLock -Path $Tree -Recurse -WarningVariable warned -WarningAction SilentlyContinue)
        @($found.File | Sort-Object) | Should -Be @($Stale, $Empty | Sort-Object)
        ($found | Where-Object File -eq $Stale).IsStale | Should -BeTrue
        $empty = $found | Where-Object File -eq $Empty
        $empty.Pid | Should -BeNullOrEmpty
        $empty.IsStale | Should -BeFalse
        $empty.Description | Should -BeLike 'dotlock of an unknown process (not pid:host) for *'
        @($warned).Count | Should -Be 1
        "$($warned[0])" | Should -BeLike "$Link is a symbolic link*"
    }

    It 'removes only the stale Dovecot dotlock; every other file stays byte for byte' {
        $removed = @(Remove-MailIndexLock -Path $Tree -Recurse -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable refused)
        $removed.File | Should -Be $Stale
        # The empty one may be a dotlock being written: not stale until unchanged for the stale timeout.
        @($refused).Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'RemoveMailIndexLockLive,*'
        $refused[0].TargetObject | Should -Be $Empty
        Test-Path $Stale | Should -BeFalse
        Test-Path $Empty | Should -BeTrue
        foreach ($file in $Foreign + $Outside) { (Get-FileHash $file).Hash | Should -Be $Hashes[$file] -Because $file }
        (Get-Item -Force $Link).LinkTarget | Should -Be $Outside
    }

    It 'refuses a foreign .lock file and a link given by path, naming them' {
        foreach ($path in $Foreign[0], $Link) {
            Remove-MailIndexLock -Path $path -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'RemoveMailIndexLockNotDotlock,*'
            $failed[0].Exception.Message | Should -BeLike "$path is *"
            Test-Path -LiteralPath $path | Should -BeTrue
        }
        (Get-Item -Force $Link).LinkTarget | Should -Be $Outside
    }
}

Describe 'Help for the locking cmdlets' {
    It 'documents <_> with a description and examples' -ForEach 'Lock-MailIndex', 'Unlock-MailIndex', 'Use-MailIndexLock', 'Get-MailIndexLock', 'Remove-MailIndexLock' {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeLike "$_*"
        ($help.description | ForEach-Object Text) -join ' ' | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        (Get-Command $_).OutputType.Name | Should -Not -BeNullOrEmpty
    }
}
