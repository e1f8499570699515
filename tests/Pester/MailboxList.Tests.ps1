BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force

    # A private Dovecot (no services) whose mailbox list index (dovecot.list.index*, on by default) we read.
    $script:Root, $script:Maildir, $script:Conf = New-DovecotTestRoot 'list'

    "Subject: inbox`n`nbody`n" | Invoke-Doveadm save | Out-Null
    Invoke-Doveadm mailbox create Work Work.Projects 'Ünïcödé' | Out-Null
    foreach ($i in 1..3) { "Subject: work $i`n`nbody $i`n" | Invoke-Doveadm save -m Work | Out-Null }
    Invoke-Doveadm flags add '\Seen' mailbox Work uid 1 | Out-Null

    # doveadm's view: mailbox → guid, uidvalidity, messages, unseen, uidnext (its status also refreshes the cache).
    # Called directly: pwsh would glob-expand a '*' passed on through @args.
    $script:Status = @{}
    $old = $env:USER, $env:HOME
    $env:USER = 'nobody'; $env:HOME = $Root
    try {
        $lines = @(& /usr/bin/doveadm -c $Conf -f tab mailbox status 'messages unseen uidnext uidvalidity guid' '*')
        $LASTEXITCODE | Should -Be 0
    } finally {
        $env:USER, $env:HOME = $old
    }
    $columns = $lines[0] -split "`t"
    foreach ($line in $lines | Select-Object -Skip 1) {
        $row = @{}
        $values = $line -split "`t"
        for ($i = 0; $i -lt $columns.Count; $i++) { $row[$columns[$i]] = $values[$i] }
        $Status[$row.mailbox] = $row
    }
}

AfterAll {
    if ($Root -and (Test-Path $Root)) { Remove-Item -Recurse -Force $Root }
}

Describe 'Get-MailStorageMailbox with the mailbox list index' {
    It 'gives every mailbox the GUID and UIDVALIDITY doveadm reports' {
        $boxes = @(Get-MailStorageMailbox -Path $Maildir -WarningVariable warnings)
        $warnings | Should -BeNullOrEmpty
        $boxes.DisplayName | Sort-Object | Should -Be @($Status.Keys | ForEach-Object { $_ -replace '\.', '/' } | Sort-Object)
        foreach ($box in $boxes) {
            $theirs = $Status[$box.DisplayName -replace '/', '.']
            $box.InListIndex | Should -BeTrue
            $box.Guid.ToString('N') | Should -Be $theirs.guid
            $box.UidValidity | Should -Be ([uint32]$theirs.uidvalidity)
        }
    }

    It 'gives the STATUS Dovecot cached, except for INBOX' {
        $work = Get-MailStorageMailbox -Path $Maildir | Where-Object Name -eq 'Work'
        $work.CachedMessages | Should -Be ([uint32]$Status.Work.messages)
        $work.CachedUnseen | Should -Be ([uint32]$Status.Work.unseen)
        $work.CachedUidNext | Should -Be ([uint32]$Status.Work.uidnext)
        $work.CachedMessages | Should -Be 3
        (Get-MailStorageMailbox -Path $Maildir | Where-Object Name -eq 'INBOX').CachedMessages | Should -BeNullOrEmpty
    }

    It 'decodes modified UTF-7 names for display' {
        $box = Get-MailStorageMailbox -Path $Maildir | Where-Object DisplayName -eq 'Ünïcödé'
        $box.Name | Should -Be '&ANw-n&AO8-c&APY-d&AOk-'
        $box.MailDirectory | Should -Be (Join-Path $Maildir '.&ANw-n&AO8-c&APY-d&AOk-')
    }

    It 'warns with file and offset about a damaged list index and still lists the folders' {
        $copy = Join-Path $Root 'Damaged'
        Copy-Item -Recurse $Maildir $copy
        $log = Join-Path $copy 'dovecot.list.index.log'
        $length = (Get-Item $log).Length
        [IO.File]::AppendAllText($log, 'garbage')
        $boxes = @(Get-MailStorageMailbox -Path $copy -WarningVariable warnings -WarningAction SilentlyContinue)
        $boxes.Count | Should -Be $Status.Count
        $warnings.Count | Should -BeGreaterThan 0
        "$($warnings[0])" | Should -BeLike "*dovecot.list.index.log (offset $length)*garbage at EOF*"
    }

    It 'lists without list index data where Dovecot keeps none' {
        $bare = Join-Path $Root 'Bare'
        New-Item -ItemType Directory -Path (Join-Path $bare 'cur'), (Join-Path $bare '.Sent/cur') | Out-Null
        $boxes = @(Get-MailStorageMailbox -Path $bare -WarningVariable warnings)
        $warnings | Should -BeNullOrEmpty
        $boxes.Name | Should -Be @('INBOX', 'Sent')
        $boxes.InListIndex | Should -Be @($false, $false)
        @($boxes | Where-Object Guid).Count | Should -Be 0
    }
}
