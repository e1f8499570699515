BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force

    # A private Dovecot (no services): doveadm reads it with -c and works on the Maildir as uid 65534.
    $script:Root = Join-Path ([IO.Path]::GetTempPath()) ('mailstorage-index-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:Maildir = Join-Path $Root 'Maildir'
    New-Item -ItemType Directory -Path $Maildir | Out-Null
    & chmod 0755 $Root
    $script:Conf = Join-Path $Root 'dovecot.conf'
    @(
        "base_dir = $(Join-Path $Root 'run')"
        "mail_location = maildir:$Maildir"
        'first_valid_uid = 1', 'first_valid_gid = 1', 'mail_uid = 65534', 'mail_gid = 65534', 'ssl = no'
        'userdb {', '  driver = static', "  args = uid=65534 gid=65534 home=$Root", '}'
        'passdb {', '  driver = static', '  args = nopassword=y', '}'
    ) | Set-Content -Path $Conf
    & chown -R 65534:65534 $Maildir

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

    foreach ($i in 1..5) { "Subject: message $i`n`nbody $i`n" | Invoke-Doveadm save | Out-Null }
    Invoke-Doveadm mailbox create Sent | Out-Null
    foreach ($i in 1..2) { "Subject: sent $i`n`nbody $i`n" | Invoke-Doveadm save -m Sent | Out-Null }
    Invoke-Doveadm flags add '\Seen' mailbox INBOX uid 1:3 | Out-Null
    Invoke-Doveadm flags add '\Flagged \Answered' mailbox INBOX uid 2 | Out-Null
    Invoke-Doveadm flags add 'Important' mailbox INBOX uid 3 | Out-Null
    Invoke-Doveadm flags add '\Deleted' mailbox INBOX uid 5 | Out-Null
    Invoke-Doveadm expunge mailbox INBOX uid 4 | Out-Null

    # doveadm fetch 'uid flags' as "uid|flags sorted" lines, \Recent dropped.
    function Get-DoveadmRecords([string] $Mailbox) {
        $lines = Invoke-Doveadm fetch 'uid flags' mailbox $Mailbox all
        $uid = $null
        foreach ($line in $lines) {
            if ($line -match '^uid: (\d+)') { $uid = $Matches[1] }
            elseif ($line -match '^flags: ?(.*)$') {
                $flags = @($Matches[1] -split ' ' | Where-Object { $_ -and $_ -ne '\Recent' } | Sort-Object)
                "$uid|$($flags -join ' ')"
            }
        }
    }
}

AfterAll {
    if ($Root -and (Test-Path $Root)) { Remove-Item -Recurse -Force $Root }
}

Describe 'Get-MailStorageMailbox' {
    It 'lists INBOX and Sent of a Maildir++ root' {
        $boxes = @(Get-MailStorageMailbox -Path $Maildir)
        $boxes | Should -BeOfType ([MailStorage.PowerShell.MailStorageMailbox])
        $boxes.Name | Should -Be @('INBOX', 'Sent')
        $boxes[0].MailDirectory | Should -Be $Maildir
        $boxes[0].IndexDirectory | Should -Be $Maildir
        $boxes[0].ControlDirectory | Should -Be $Maildir
        $boxes[1].MailDirectory | Should -Be (Join-Path $Maildir '.Sent')
        $boxes.Format | Should -Be @('maildir', 'maildir')
    }

    It 'expands mail_location from a configuration' {
        $boxes = @(Get-MailStorageMailbox -ConfigPath $Conf -User nobody)
        $boxes.Name | Should -Be @('INBOX', 'Sent')
        $boxes[0].MailDirectory | Should -Be $Maildir
    }

    It 'places INBOX index files at INDEX/.INBOX' {
        $boxes = @(Get-MailStorageMailbox -Path $Maildir -IndexPath /srv/idx)
        $boxes[0].IndexDirectory | Should -Be '/srv/idx/.INBOX'
        $boxes[1].IndexDirectory | Should -Be '/srv/idx/.Sent'
    }

    It 'reports a missing root with a stable error id' {
        Get-MailStorageMailbox -Path (Join-Path $Root 'nope') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GetMailStorageMailboxPathNotFound*'
    }
}

Describe 'Get-MailIndex' {
    It 'agrees with doveadm mailbox status for <_>' -ForEach 'INBOX', 'Sent' {
        $info = Get-MailStorageMailbox -Path $Maildir | Where-Object Name -eq $_ | Get-MailIndex
        $info | Should -BeOfType ([MailStorage.PowerShell.MailIndexInfo])
        $status = Invoke-Doveadm -f flow mailbox status 'uidnext messages uidvalidity' $_
        $status | Should -Match 'uidnext=(\d+)'
        $info.NextUid | Should -Be ([uint32]([regex]::Match($status, 'uidnext=(\d+)').Groups[1].Value))
        $info.MessagesCount | Should -Be ([int]([regex]::Match($status, 'messages=(\d+)').Groups[1].Value))
        $info.UidValidity | Should -Be ([uint32]([regex]::Match($status, 'uidvalidity=(\d+)').Groups[1].Value))
        $info.Files.Keys | Should -Contain 'dovecot.index.log'
    }

    It 'counts seen and deleted messages of INBOX' {
        $info = Get-MailIndex -Path $Maildir
        $info.SeenCount | Should -Be 3
        $info.DeletedCount | Should -Be 1
    }
}

Describe 'Get-MailIndexRecord' {
    It 'equals doveadm fetch uid flags for <_>' -ForEach 'INBOX', 'Sent' {
        $records = @(Get-MailStorageMailbox -Path $Maildir | Where-Object Name -eq $_ | Get-MailIndexRecord)
        $records | Should -BeOfType ([MailStorage.PowerShell.MailIndexRecord])
        $ours = @($records | ForEach-Object { "$($_.Uid)|$(@(@($_.Flags) + @($_.Keywords) | Sort-Object) -join ' ')" })
        $ours | Should -Be @(Get-DoveadmRecords $_)
        $records.Seq | Should -Be (1..$records.Count)
        foreach ($r in $records) { $r.FileName | Should -Not -BeNullOrEmpty }
    }

    It 'gives IMAP flag names and keywords' {
        $records = @(Get-MailIndexRecord -Path $Maildir)
        $records.Uid | Should -Be @(1, 2, 3, 5)
        $records[1].Flags | Should -Be @('\Answered', '\Flagged', '\Seen')
        $records[2].Keywords | Should -Be @('Important')
        $records[3].Flags | Should -Be @('\Deleted')
    }
}

Describe 'Help of the mailbox cmdlets' {
    It 'documents <_>' -ForEach 'Get-MailStorageMailbox', 'Get-MailIndex', 'Get-MailIndexRecord' {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeLike "$_*"
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }
}
