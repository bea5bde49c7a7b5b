namespace TextureBias.Detection;

/// <summary>COCO's detection categories as torchvision names them (<c>_COCO_CATEGORIES</c>).</summary>
public static class CocoCategories
{
    /// <summary>
    /// The 91 labels of torchvision's COCO detectors, indexed by COCO category id: <c>__background__</c> at 0 and
    /// <c>N/A</c> at the 10 ids COCO 2014/2017 do not use.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "__background__", "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light", "fire hydrant", "N/A", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "N/A", "backpack", "umbrella", "N/A", "N/A", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "N/A", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "N/A", "dining table", "N/A", "N/A", "toilet", "N/A", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "N/A", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    ];

    /// <summary>The name of a gap in the category ids.</summary>
    public const string Gap = "N/A";
}
