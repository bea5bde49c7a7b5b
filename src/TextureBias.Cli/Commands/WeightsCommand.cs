using System.CommandLine;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Models.Zoo;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias weights</c>: the registry of published weights, and the cache.</summary>
internal static class WeightsCommand
{
    public static Command Create()
    {
        var command = new Command("weights", "List, fetch, import and check the published weights (BagNets, torchvision, Stylized-ImageNet, AdaIN).")
        {
            List(), Show(), Fetch(), Import(), Verify(), PathOf(),
        };
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print the registry with each file's location as JSON" };
        var command = new Command("list", "The registered weights, their published results and what is already on this machine.") { json };
        command.SetAction(r => CommandRunner.Run(_ =>
        {
            var zoo = ZooAccess.Zoo;
            var statuses = zoo.Registry.Entries.Select(zoo.Status).ToList();
            if (r.GetValue(json))
            {
                var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };
                options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
                Console.WriteLine(JsonSerializer.Serialize(statuses.Select(s => new
                {
                    s.Weights, location = s.Location, path = s.Path, bytes = s.Bytes,
                    hash = new { checked_against = WeightsTable.Basis(s.Hash), registered_sha256 = s.Hash.Registered, prefix = s.Hash.Prefix, recorded_sha256 = s.Hash.Recorded },
                }), options));
                return CommandRunner.Ok;
            }
            foreach (var line in WeightsTable.List(statuses, zoo.Options)) Console.WriteLine(line);
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("NAME") { Description = "The registered name" };
        var command = new Command("show", "Everything about registered weights: training, published results, file, hash, URLs, licence, source, local copy.") { name };
        command.SetAction(r => CommandRunner.Run(_ =>
        {
            var zoo = ZooAccess.Zoo;
            foreach (var line in WeightsTable.Show(zoo.Status(zoo.Registry.Get(r.GetValue(name)!)))) Console.WriteLine(line);
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static Command Fetch()
    {
        var names = new Argument<string[]>("NAME") { Description = "Registered names (see `weights list`)", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Fetch every registered file (about 2.5 GB)" };
        var command = new Command("fetch", "Download weights into the cache: resumable, retried, SHA-256-checked. Files in PyTorch's hub cache are reused.") { names, all };
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var zoo = ZooAccess.Zoo;
            var wanted = r.GetValue(all) ? zoo.Registry.Entries.ToList() : r.GetValue(names)!.Select(zoo.Registry.Get).ToList();
            if (wanted.Count == 0) throw new TextureBiasException("name the weights to fetch (see `texturebias weights list`), or give --all");
            int failed = 0;
            foreach (var w in wanted)
            {
                try
                {
                    Console.WriteLine($"{w.Name}\t{ZooAccess.Fetch(w, cancel)}");
                }
                catch (WeightFetchException e) when (wanted.Count > 1)
                {
                    failed++;
                    Console.Error.WriteLine($"texturebias: {e.Message}");
                }
            }
            return failed == 0 ? CommandRunner.Ok : CommandRunner.SomeInputsFailed;
        }));
        return command;
    }

    private static Command Import()
    {
        var name = new Argument<string>("NAME") { Description = "The registered name" };
        var file = new Argument<string>("FILE") { Description = "A copy of its file, fetched elsewhere" };
        var command = new Command("import", "Check a weight file fetched elsewhere against the registered hash (its own file name does not count) and copy it into the cache (for machines without network).") { name, file };
        command.SetAction(r => CommandRunner.Run(_ =>
        {
            Console.WriteLine(ZooAccess.Zoo.Import(r.GetValue(name)!, r.GetValue(file)!));
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static Command Verify()
    {
        var names = new Argument<string[]>("NAME") { Description = "Registered names (default: every file on this machine)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("verify", "Hash the local copies again and compare them with the registered SHA-256 (or the one recorded here for entries registered with a hash prefix only).") { names };
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var zoo = ZooAccess.Zoo;
            var given = r.GetValue(names)!;
            var wanted = given.Length > 0 ? given.Select(zoo.Registry.Get).ToList() : zoo.Registry.Entries.ToList();
            int bad = 0, checkedFiles = 0;
            foreach (var w in wanted)
            {
                var check = zoo.VerifyAsync(w.Name, cancel).GetAwaiter().GetResult();
                if (check is null)
                {
                    if (given.Length > 0) Console.WriteLine($"{w.Name}\tnot on this machine");
                    continue;
                }
                checkedFiles++;
                if (!check.Ok) bad++;
                Console.WriteLine($"{w.Name}\t{(check.Ok ? "ok" : "WRONG HASH")}\t{check.Sha256}\t{check.Path}\t{Against(check)}");
            }
            if (checkedFiles == 0 && given.Length == 0) Console.Error.WriteLine($"texturebias: no registered weights are on this machine yet ({zoo.Options.CacheDir})");
            if (bad > 0) Console.Error.WriteLine($"texturebias: {bad} of {checkedFiles} files have the wrong hash: delete them and fetch again (or import the right files)");
            return bad == 0 ? CommandRunner.Ok : CommandRunner.SomeInputsFailed;
        }));
        return command;
    }

    /// <summary>The last column of <c>weights verify</c>: what the file was compared with, and the problem.</summary>
    private static string Against(WeightCheck check)
    {
        var hash = check.Expected;
        string basis = hash.Basis switch
        {
            HashBasis.Registered => "registered sha256",
            HashBasis.Recorded => $"prefix {hash.Prefix} + sha256 recorded here",
            _ => check.Ok ? $"prefix {hash.Prefix} only; whole sha256 now recorded" : $"prefix {hash.Prefix} only",
        };
        return check.Problem is null ? basis : $"{basis}: {check.Problem}";
    }

    private static Command PathOf()
    {
        var name = new Argument<string>("NAME") { Description = "The registered name" };
        var command = new Command("path", "Print the local path of registered weights, fetching them if needed (for scripts).") { name };
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            Console.WriteLine(ZooAccess.Fetch(ZooAccess.Zoo.Registry.Get(r.GetValue(name)!), cancel));
            return CommandRunner.Ok;
        }));
        return command;
    }
}
