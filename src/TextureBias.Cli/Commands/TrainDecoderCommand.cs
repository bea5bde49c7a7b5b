using System.CommandLine;
using Spectre.Console;
using TextureBias.Models.Serialization;
using TextureBias.Style;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias train-decoder</c>: trains an AdaIN decoder (pytorch-AdaIN's train.py).</summary>
internal static class TrainDecoderCommand
{
    public static Command Create()
    {
        var d = new DecoderTrainingOptions();
        var vgg = new Option<string>("--vgg") { Description = "vgg_normalised.pth (the frozen encoder), or the registered name vgg_normalised", Required = true };
        var contentDir = new Option<string>("--content-dir") { Description = "Content images (e.g. MS-COCO)", Required = true };
        var styleDir = new Option<string>("--style-dir") { Description = "Style images (e.g. WikiArt)", Required = true };
        var outDir = new Option<string>("--out") { Description = "Output folder: decoder_iter_N.pth.tar, losses.csv, state", Required = true };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => d.LearningRate, Description = "Learning rate" };
        var decay = new Option<double>("--lr-decay") { DefaultValueFactory = _ => d.LearningRateDecay, Description = "lr_i = lr / (1 + decay·i)" };
        var maxIter = new Option<int>("--max-iter") { DefaultValueFactory = _ => d.MaxIterations, Description = "Iterations" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => d.Batch, Description = "Content (and style) images per iteration" };
        var contentWeight = new Option<double>("--content-weight") { DefaultValueFactory = _ => d.ContentWeight, Description = "Weight of the content loss" };
        var styleWeight = new Option<double>("--style-weight") { DefaultValueFactory = _ => d.StyleWeight, Description = "Weight of the style loss" };
        var resize = new Option<int>("--resize") { DefaultValueFactory = _ => d.ResizeTo, Description = "Images are resized to this square" };
        var crop = new Option<int>("--crop") { DefaultValueFactory = _ => d.Crop, Description = "Random crop side" };
        var every = new Option<int>("--save-every") { DefaultValueFactory = _ => d.CheckpointInterval, Description = "Iterations between checkpoints" };
        var logEvery = new Option<int>("--log-every") { DefaultValueFactory = _ => d.LogInterval, Description = "Iterations between lines of losses.csv" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => d.Seed, Description = "Seed of image order and crops" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the last checkpoint in --out" };
        var init = new Option<string?>("--init") { Description = "Decoder weights to start from: a file, or the registered name decoder (the released decoder.pth)" };
        var device = DeviceOption.Create();
        var amp = AmpOption.Create();
        var command = new Command("train-decoder", "Train an AdaIN decoder for a VGG encoder (pytorch-AdaIN's train.py defaults).")
        {
            vgg, contentDir, styleDir, outDir, lr, decay, maxIter, batch, contentWeight, styleWeight, resize, crop, every, logEvery, seed, resume, init, device, amp,
        };
        PathOptions.Declare(inputFolders: [contentDir, styleDir], outputFolders: [outDir]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            var precision = AmpOption.Parse(r.GetValue(amp));
            var options = new DecoderTrainingOptions
            {
                LearningRate = r.GetValue(lr), LearningRateDecay = r.GetValue(decay), MaxIterations = r.GetValue(maxIter), Batch = r.GetValue(batch),
                ContentWeight = r.GetValue(contentWeight), StyleWeight = r.GetValue(styleWeight), ResizeTo = r.GetValue(resize), Crop = r.GetValue(crop),
                CheckpointInterval = r.GetValue(every), LogInterval = r.GetValue(logEvery), Seed = r.GetValue(seed), Precision = precision,
                InitialDecoder = r.GetValue(init) is { } start ? ZooAccess.Resolve(start, TextureBias.Models.Zoo.WeightKind.AdaInDecoder) : null,
            };
            DecoderTrainer.CheckOptions(options); // before the weights load
            using var encoder = new VggEncoder();
            ModelWeights.Load(encoder, ZooAccess.Resolve(r.GetValue(vgg)!, TextureBias.Models.Zoo.WeightKind.AdaInEncoder));
            int reached = 0;
            void Train(Action<int, double, double>? progress) =>
                reached = DecoderTrainer.Train(encoder, r.GetValue(contentDir)!, r.GetValue(styleDir)!, r.GetValue(outDir)!, options, r.GetValue(resume), progress, cancel, on);
            if (!Console.IsErrorRedirected)
                CommandRunner.Error.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("train decoder", maxValue: options.MaxIterations);
                        Train((i, c, s) => { task.Value = i; task.Description = $"train decoder: content {c:0.00} style {s:0.00}"; });
                    });
            else Train(null);
            Console.Error.WriteLine($"texturebias: trained to iteration {reached}; checkpoints, losses.csv and state in {r.GetValue(outDir)}");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
