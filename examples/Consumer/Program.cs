// Classifies an image with a BagNet-9 through the TextureBias package and prints the top class.
// Usage: dotnet run -c Release [-- IMAGE [WEIGHTS]]   (default ../chelsea.png, random weights)
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TorchSharp;

string image = args.Length > 0 ? args[0] : Path.Combine("..", "chelsea.png");
string? weights = args.Length > 1 ? args[1] : null;

torch.manual_seed(0);
using var model = BagNet.BagNet9();
if (weights != null) ModelWeights.Load(model, weights);
var classifier = new Classifier(model, Preprocessing.ImageNetEval, batchSize: 1);
var failed = false;
foreach (var result in classifier.Classify(new[] { image }, top: 1, onFailure: f => { Console.Error.WriteLine($"{f.Path}: {f.Reason}"); failed = true; }))
    Console.WriteLine($"top class: {result.Top[0].Name} ({result.Top[0].Probability:P1}){(weights == null ? ", random weights" : "")}");
return failed ? 1 : 0;
